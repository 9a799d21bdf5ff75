// RECOVER (from ERROR): failed, lost and exited tasks are relaunched (on another node when theirs
// is down); healthy ones are kept and brought back to STANDBY. The environment ends DEPLOYED, and
// only once every task has settled: healthy tasks still finishing the transition that failed
// (its fan-out stopped waiting at the first fatal failure, not the tasks) are waited for first,
// else RECOVER judged them by their state before their answer and said DEPLOYED while they went
// on to CONFIGURED, and the next CONFIGURE failed.
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { TransitionCtx } from '../model/transition.js';
import { kill, launch, transition } from './fanout.js';
import { clearInFlight, waitSettled } from './in-flight.js';
import { placeOnNodes } from '../placement.js';

/** share of the deadline RECOVER waits for owed answers; what has not answered by then is relaunched */
const SETTLE_SHARE = 0.5;

export async function recoverStep(controller: ControllerCore, ctx: TransitionCtx): Promise<void> {
  const env = ctx.env;
  // 0. answers still owed (an aborted transition, a restart): wait for them, bounded
  const unsettled = new Set(
    await waitSettled(
      env.active.filter((t) => t.healthy),
      Date.now() + ctx.remaining() * SETTLE_SHARE,
    ),
  );
  for (const t of unsettled) clearInFlight(t);
  const broken = env.active.filter((t) => !t.healthy || unsettled.has(t));
  const healthy = env.active.filter((t) => t.healthy && !unsettled.has(t));

  // 1. broken tasks are killed before they are relaunched, wherever their node is up: a task the
  //    controller lost track of (a failed DEPLOY, a lost-then-back agent) may still run there, and
  //    the agent refuses to launch an id that runs. The agent ignores ids it does not run.
  const aliveBroken = broken.filter((t) => t.node && controller.nodeOf(t)?.up);
  if (aliveBroken.length) await kill(controller, ctx, aliveBroken, false, 'RECOVER');
  if (ctx.shouldStop()) return;

  // 2. healthy tasks back to STANDBY: RUNNING -> STOP -> CONFIGURED -> RESET -> STANDBY
  const running = healthy.filter((t) => t.state === 'RUNNING');
  if (running.length) await transition(controller, ctx, 'STOP', 'CONFIGURED', running, () => ({}));
  if (ctx.shouldStop()) return;
  const configured = healthy.filter((t) => t.healthy && t.state === 'CONFIGURED');
  if (configured.length) await transition(controller, ctx, 'RESET', 'STANDBY', configured, () => ({}));
  if (ctx.shouldStop()) return;

  // 3. relaunch the broken ones; those whose node is down go elsewhere
  const moving = broken.filter((t) => !controller.nodeOf(t)?.up);
  if (moving.length) placeOnNodes(controller, moving);
  for (const t of broken) {
    t.launched = false;
    // no process until the launch says which: the old pid is a dead one's, and a launch whose
    // answer is lost with its agent left the task STANDBY with it (a lie the chaos suite found)
    t.pid = 0;
    t.exit = null;
    t.error = null;
    env.setTaskLost(t, false);
    controller.setTaskState(t, 'STANDBY');
    controller.persist.task(t);
  }
  if (broken.length) await launch(controller, ctx, broken, 'relaunch');
  if (ctx.shouldStop()) return;

  // 4. DEPLOYED means every task in STANDBY: one that is not fails RECOVER (or degrades it)
  for (const t of env.active)
    if (!settledInStandby(t))
      ctx.fail({ task: t, reason: 'failed', detail: { code: 'TASK_FAILED', message: `it is in ${t.state} after RECOVER, not STANDBY` } });
}

function settledInStandby(t: TaskRuntime): boolean {
  return t.healthy && t.state === 'STANDBY';
}
