// The restart policy at work. A task with `restart: {policy: on-failure, max, within}` that exits
// abnormally while its environment is CONFIGURED or RUNNING (and no transition is under way) is
// relaunched and brought to the environment's state (relaunch.ts), at most `max` times within
// `within`; each restart is a task.restart event. Beyond the budget the old rule holds: a
// critical task puts the environment in ERROR, another one stays ERROR and the environment is
// degraded. A critical task with a policy is restarted like any other while within budget: the
// run goes on; should the restart itself fail, it is fatal as the crash would have been.
//
// Restarts run under a context of their own (transition RESTART), as background work: a
// transition asked for meanwhile waits for them (transitions/background.ts), and crashes of other
// tasks with a policy join the queue. A fatal failure during a restart puts the environment in ERROR at the end.
import type { ErrorDetailLike } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { TransitionCtx, type FailReason } from '../model/transition.js';
import { transitionError } from '../transitions/errors.js';
import { relaunchToState } from './relaunch.js';
import { inBackground } from '../transitions/background.js';

export const RESTART_TRANSITION = 'RESTART';

/** What a fatal failure of a restart does (faults.ts: ERROR, with its hooks); passed in, as faults.ts imports this file. */
export type OnFatal = (env: EnvRuntime, error: ErrorDetailLike) => void;

/** times (ms) of each task's recent restarts, for the `within` window */
const history = new WeakMap<TaskRuntime, number[]>();
/** tasks waiting for a restart, per environment, with the exit that asked for it */
const queues = new Map<EnvRuntime, Map<TaskRuntime, string>>();

function exitWords(t: TaskRuntime): string {
  const x = t.exit;
  if (!x) return 'exited';
  return x.signal ? `killed by ${x.signal}` : `exit code ${x.code}`;
}

/** Takes one restart from the task's budget; false when `max` restarts happened within `within`. */
function takeBudget(t: TaskRuntime, max: number, withinMs: number, now: number): boolean {
  const recent = (history.get(t) ?? []).filter((ms) => now - ms < withinMs);
  if (recent.length >= max) {
    history.set(t, recent);
    return false;
  }
  recent.push(now);
  history.set(t, recent);
  return true;
}

/**
 * Called for every fault of a task: takes it (true) when its policy restarts it, else leaves it
 * to the usual rules (false).
 */
export function tryRestart(controller: ControllerCore, t: TaskRuntime, reason: FailReason, onFatal: OnFatal): boolean {
  const env = t.env;
  const policy = t.spec.restart;
  if (!policy || reason !== 'crashed' || env.destroyed || !t.included) return false;
  const ctx = env.ctx;
  if (ctx && ctx.transition !== RESTART_TRANSITION) return false; // a crash during a transition fails it
  if (env.state !== 'CONFIGURED' && env.state !== 'RUNNING') return false;
  const why = exitWords(t);
  if (!takeBudget(t, policy.max, policy.withinMs, Date.now())) {
    controller.emit({
      kind: 'task.restart',
      envId: env.id,
      taskId: t.id,
      node: t.node,
      state: t.state,
      message: `task ${t.name} ${why}: not restarted, ${policy.max} restart(s) within ${policy.withinMs} ms already`,
      data: { name: t.name, attempt: String(t.restarts), reason: why, exhausted: 'true', max: String(policy.max) },
    });
    return false;
  }
  t.restarts++;
  controller.persist.task(t);
  controller.emit({
    kind: 'task.restart',
    envId: env.id,
    taskId: t.id,
    node: t.node,
    state: env.state,
    message: `task ${t.name} ${why}: restart ${t.restarts} (at most ${policy.max} within ${policy.withinMs} ms)`,
    data: { name: t.name, attempt: String(t.restarts), reason: why, max: String(policy.max) },
  });
  let q = queues.get(env);
  if (!q) {
    q = new Map();
    queues.set(env, q);
  }
  q.set(t, why);
  if (!ctx) void inBackground(env, () => runRestarts(controller, env, onFatal));
  return true;
}

/** Works through the environment's queue, one context per round, until it is empty. */
async function runRestarts(controller: ControllerCore, env: EnvRuntime, onFatal: OnFatal): Promise<void> {
  let error: ErrorDetailLike | null = null;
  let nonFatal = 0;
  for (;;) {
    const q = queues.get(env);
    if (!q?.size || env.destroyed) break;
    const tasks = [...q.keys()];
    q.clear();
    const ctx = new TransitionCtx(env, RESTART_TRANSITION, Date.now() + controller.cfg.defaultTimeoutMs, () => {});
    env.ctx = ctx;
    controller.envTouched(env);
    try {
      await relaunchToState(controller, ctx, tasks, 'restart');
    } catch (e) {
      console.error(`baton controller: restarting tasks of ${env.id} failed: ${(e as Error).message}`);
    } finally {
      ctx.stop();
      if (env.ctx === ctx) env.ctx = null;
      controller.envTouched(env);
    }
    nonFatal += ctx.nonFatal.length;
    for (const t of tasks) {
      if (t.healthy) {
        controller.emit({
          kind: 'task.restart',
          envId: env.id,
          taskId: t.id,
          node: t.node,
          state: t.state,
          message: `task ${t.name} is back in ${t.state} (restart ${t.restarts})`,
          data: { name: t.name, attempt: String(t.restarts), phase: 'done', pid: String(t.pid) },
        });
      }
    }
    error = transitionError(ctx);
    if (error) break;
  }
  queues.delete(env);
  await controller.persist.flush();
  if (error) {
    onFatal(env, { ...error, envId: env.id });
  } else if (nonFatal && !env.degraded) {
    env.degraded = true;
  }
  if (nonFatal) {
    controller.envTouched(env);
    controller.emit({
      kind: 'env.state',
      envId: env.id,
      state: env.state,
      message: `environment degraded: ${nonFatal} task restart(s) failed`,
      data: { degraded: 'true' },
    });
  }
}
