// The controller's own check of a hook just before it runs, against its template policy
// (core/workflow/policy.ts). Creation already refused what the policy forbids, with its place in
// the template; this catches what creation could not: an environment restored from a database
// written under a looser policy, or a loader given by an embedder.
import type { HookSpec } from '../../workflow/types.js';
import { describeHosts, hostAllowed, httpHostOf, repoTrusted, type ResolvedPolicy } from '../../workflow/index.js';

export interface HookPolicyContext {
  policy: ResolvedPolicy;
  /** the configured template repos */
  repos: string[];
}

/** Why `hook` of an environment from `repo` may not run, or null when it may. */
export function hookRefusal(ctx: HookPolicyContext, hook: HookSpec, repo: string): string | null {
  if (hook.func === 'exec' && !repoTrusted(ctx.policy, ctx.repos, repo)) {
    return `exec hooks run only from trusted template repos; ${repo || '(no repo)'} is not trusted`;
  }
  if (hook.func === 'http.post') {
    const host = httpHostOf(String(hook.args.url ?? ''));
    if (host === null) return `args.url must be an http(s) URL, got ${JSON.stringify(hook.args.url)}`;
    if (!hostAllowed(ctx.policy, host)) return `http.post may not reach ${host}: not on this controller's allow list (${describeHosts(ctx.policy)})`;
  }
  return null;
}
