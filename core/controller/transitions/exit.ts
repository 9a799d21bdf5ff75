// EXIT: the tasks are told to EXIT, then whatever still runs is killed (graded), resources are
// freed and every task ends DONE. Failures along the way are noted, never fatal: the point is
// that nothing is left behind.
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { TransitionCtx } from '../model/transition.js';
import { kill, transition } from './fanout.js';

/** share of the remaining deadline the EXIT step may use: the kill step needs the rest */
const EXIT_SHARE = 0.6;

/** Kills what still runs (graded unless `force`), waits for the agents and frees resources. */
export async function killAll(controller: ControllerCore, ctx: TransitionCtx, tasks: readonly TaskRuntime[], graded: boolean, reason: string): Promise<void> {
  const alive = tasks.filter((t) => t.launched || t.lost || t.waitBatch);
  if (alive.length) await kill(controller, ctx, alive, graded, reason);
  for (const t of tasks) {
    if (t.launched && !t.lost) {
      // the agent confirmed the kill batch without an exit for it: it is gone all the same
      t.launched = false;
    }
    controller.setTaskState(t, 'DONE'); // the state vector carries it: no row write per task
    controller.nodeOf(t)?.release(t);
  }
}

export async function exitStep(controller: ControllerCore, ctx: TransitionCtx): Promise<void> {
  const env = ctx.env;
  ctx.expectExits = true;
  ctx.tolerant = true;
  // basic tasks too: their agent terminates them for an EXIT
  const told = env.active.filter((t) => t.launched && !t.lost && t.state !== 'DONE');
  if (told.length) {
    await transition(controller, ctx, 'EXIT', 'DONE', told, () => ({}), Math.floor(ctx.remaining() * EXIT_SHARE));
  }
  await killAll(controller, ctx, env.tasks, true, 'EXIT');
  if (ctx.nonFatal.length) {
    controller.emit({
      kind: 'env.transition',
      envId: env.id,
      transition: 'EXIT',
      message: `${ctx.nonFatal.length} task(s) did not EXIT cleanly and were killed`,
      data: { phase: 'progress', unclean: String(ctx.nonFatal.length) },
    });
  }
}
