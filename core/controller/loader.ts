// The default workflow loader: createWorkflowLoader over the template repos (the shipped assets/
// when none are given), its lint and expand run in worker threads (workers/loader.ts).
import path from 'node:path';
import type { WorkflowLoader } from '../workflow/types.js';
import { workerLoader } from './workers/loader.js';

export function defaultLoader(root: string, repos: string[] | undefined): WorkflowLoader {
  return workerLoader({
    repos: repos?.length ? repos : [path.join(root, 'assets')],
    batonRoot: root,
  });
}
