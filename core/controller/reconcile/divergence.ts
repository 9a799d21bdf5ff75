// The reconcile loop's check of one environment at rest (no transition under way): does its
// state agree with its tasks'? O(1) when it does (the incremental counts say so); only a
// divergence costs a pass over the tasks. A divergence is reported once (an env.divergence event
// naming the tasks) until it changes; the one correction made is the safe one: an environment
// whose tasks are all gone goes to ERROR.
import { taskStateForEnv, type EnvState } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import { goError } from '../faults.js';
import { fireHooks } from '../hooks/runner.js';
import { taskGone } from '../transitions/presence.js';
import { describeTasks } from './describe.js';

const LIVE: readonly EnvState[] = ['DEPLOYED', 'CONFIGURED', 'RUNNING'];

/** env -> the divergence last reported (so that one is not reported every few seconds) */
export type Reported = WeakMap<EnvRuntime, string>;

/** Returns whether the environment diverged from its tasks. */
export function checkEnvironment(controller: ControllerCore, env: EnvRuntime, reported: Reported): boolean {
  if (env.ctx || env.destroyed || !LIVE.includes(env.state) || env.active.length === 0) return false;
  const want = taskStateForEnv(env.state)!;
  const c = env.counts;
  if (c.lost === 0 && c.get(want) === c.total) {
    reported.delete(env);
    return false;
  }
  // the counts tell a divergence apart from the last one reported: no pass over the tasks for it
  const signature = `${env.state}|${JSON.stringify(c.toObject())}|${c.lost}`;
  if (reported.get(env) === signature) return true;
  const off = env.active.filter((t) => t.lost || t.state !== want);
  if (!off.length) return false;
  const allGone = env.active.every(taskGone);
  reported.set(env, signature);
  controller.emit({
    kind: 'env.divergence',
    envId: env.id,
    state: env.state,
    message: `environment ${env.id} is ${env.state} but ${off.length} of ${env.active.length} task(s) are not ${want}: ${describeTasks(off)}`,
    data: {
      want,
      count: String(off.length),
      total: String(env.active.length),
      counts: JSON.stringify(c.toObject()),
      lost: String(c.lost),
      tasks: off
        .slice(0, 20)
        .map((t) => t.name)
        .join(','),
      corrected: String(allGone),
    },
  });
  if (allGone) {
    goError(controller, env, {
      code: 'TASK_LOST',
      envId: env.id,
      message: `every task of environment ${env.id} is gone (${describeTasks(off)}): it cannot be ${env.state}`,
      data: { reconciled: 'true' },
    });
    fireHooks(controller, env, 'enter', 'ERROR');
  }
  return true;
}
