// What the environment page says about an environment's health beyond its state: the latest
// divergence the reconcile loop reported (while it still holds) and how its last run was closed.
// Pure: read off the events the page has.
import type { Environment, Event } from '../../../../core/rpc/gen/control.js';

/** the task state an environment at rest implies */
const IMPLIED: Record<string, string> = { DEPLOYED: 'STANDBY', CONFIGURED: 'CONFIGURED', RUNNING: 'RUNNING' };

/** what ends a divergence report: the environment moved, or its tasks were judged again */
const SETTLING = new Set(['env.state', 'env.reconciled', 'env.exclude', 'env.include']);

/**
 * The reconcile loop's latest env.divergence event for env while it still holds: no later change
 * of state, and the counts still show tasks away from the implied state (or lost).
 */
export function openDivergence(env: Environment, events: readonly Event[]): Event | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.envId !== env.id) continue;
    if (SETTLING.has(e.kind) || (e.kind === 'env.transition' && e.data.phase === 'end')) return null;
    if (e.kind !== 'env.divergence') continue;
    const want = IMPLIED[env.state];
    const c = env.counts;
    if (!want || !c) return e;
    const off = (c.lost ?? 0) > 0 || Object.entries(c.byState).some(([state, n]) => n > 0 && state !== want);
    return off ? e : null;
  }
  return null;
}

/** The run.stop event of the run that ERROR aborted (its data.reason says why), if it is the latest. */
export function abortedRun(env: Environment, events: readonly Event[]): Event | null {
  if (env.state !== 'ERROR') return null;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.envId !== env.id) continue;
    if (e.kind === 'run.start') return null;
    if (e.kind === 'run.stop') return e.data.run_state === 'aborted' ? e : null;
  }
  return null;
}
