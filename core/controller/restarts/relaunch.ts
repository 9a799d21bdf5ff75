// Launching tasks again while their environment is DEPLOYED, CONFIGURED or RUNNING, and bringing
// them to its state: LAUNCH (same node unless it is down or gone), CONFIGURE with the
// environment's CONFIGURE args (channels recomputed from the addresses of now, as at CONFIGURE),
// START with the same run number. Used by restarts and by including a role back.
// Its own connects reach the binds of now. Its peers are not told anything (a RUNNING task takes
// no new addresses: task.proto has no such event), so its binds keep their addresses: the launch
// asks the agent for the tcp ports it had (ChannelBind.port; a unix bind keeps its path anyway),
// and the peers, which keep dialling a lost address, reconnect by themselves. Only when that port
// is taken meanwhile, or the task moved to another node, do they need the next CONFIGURE.
import { taskStateForEnv } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { TransitionCtx } from '../model/transition.js';
import { launch, transition } from '../transitions/fanout.js';
import { lateDetail } from '../transitions/errors.js';
import { configureArgs } from '../channels.js';
import { placeOnNodes } from '../placement.js';
import { toBatonError } from '../../model/errors.js';
import { configureArgsOf, startArgsOf } from './args.js';

/** Relaunches `tasks` under `ctx`; failures go to ctx (fatal or not, as for any transition). */
export async function relaunchToState(controller: ControllerCore, ctx: TransitionCtx, tasks: TaskRuntime[], phase: string): Promise<void> {
  const env = ctx.env;
  const target = taskStateForEnv(env.state) ?? 'STANDBY';
  const moving = tasks.filter((t) => !controller.nodeOf(t)?.up);
  if (moving.length) {
    try {
      placeOnNodes(controller, moving);
    } catch (e) {
      const detail = toBatonError(e).detail;
      for (const t of moving) ctx.fail({ task: t, reason: 'launch', detail });
      tasks = tasks.filter((t) => !moving.includes(t));
    }
  }
  for (const t of tasks) {
    controller.nodeOf(t)?.assign(t); // released when it was excluded; a no-op otherwise
    t.launched = false;
    t.pid = 0; // no process until the launch says which (recover.ts)
    t.exit = null;
    t.error = null;
    env.setTaskLost(t, false);
    controller.setTaskState(t, 'STANDBY');
    controller.persist.task(t);
  }
  if (tasks.length) await launch(controller, ctx, tasks, phase);
  markLate(controller, ctx, 'LAUNCH');
  if (target === 'STANDBY' || ctx.shouldStop()) return;

  const standby = tasks.filter((t) => t.healthy && t.state === 'STANDBY');
  const configure = configureArgsOf(env);
  if (standby.length) await transition(controller, ctx, 'CONFIGURE', 'CONFIGURED', standby, (t) => configureArgs(env, t, configure));
  markLate(controller, ctx, 'CONFIGURE');
  if (target === 'CONFIGURED' || ctx.shouldStop()) return;

  const configured = tasks.filter((t) => t.healthy && t.state === 'CONFIGURED');
  const start = startArgsOf(env);
  if (configured.length) await transition(controller, ctx, 'START', 'RUNNING', configured, () => start);
  markLate(controller, ctx, 'START');
}

/** Tasks that did not answer in time are in an unknown state: ERROR, as after a transition. */
function markLate(controller: ControllerCore, ctx: TransitionCtx, step: string): void {
  for (const t of ctx.late) {
    if (t.lost || t.state === 'ERROR') continue;
    t.error = lateDetail(t, step);
    controller.persist.task(t);
    controller.setTaskState(t, 'ERROR');
  }
}
