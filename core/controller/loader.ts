// The default workflow loader: createWorkflowLoader over the template repos (the shipped assets/
// when none are given), its lint and expand run in worker threads (workers/loader.ts), under the
// controller's template policy, with its git template cache in the controller's home.
import path from 'node:path';
import type { WorkflowLoader } from '../workflow/types.js';
import type { TemplatePolicy } from '../workflow/policy.js';
import { workerLoader } from './workers/loader.js';

/** The repos a controller searches: the given ones (or the shipped assets), then the shipped assets. */
export function configuredRepos(root: string, repos: string[] | undefined): string[] {
  return [...new Set([...(repos?.length ? repos : []), path.join(root, 'assets')].map((r) => path.resolve(r)))];
}

/** The default policy: what a controller started without options lets templates do. */
export const CLOSED_POLICY: TemplatePolicy = { allowLocal: false, trustLocal: false, trustedRepos: [], httpHosts: [] };

export function defaultLoader(root: string, repos: string[] | undefined, opts: { policy?: TemplatePolicy; cacheDir?: string } = {}): WorkflowLoader {
  return workerLoader({
    repos: repos?.length ? repos : [path.join(root, 'assets')],
    batonRoot: root,
    policy: opts.policy ?? CLOSED_POLICY,
    cacheDir: opts.cacheDir,
  });
}
