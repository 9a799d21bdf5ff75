// EXIT: the tasks are told to EXIT, then whatever still runs is killed (graded), resources are
// freed and every task ends DONE. Failures along the way are noted, never fatal: the point is
// that nothing is left behind. A task whose agent is away when the kill is due cannot be killed:
// it is not called DONE (its process may still run) but lost in its last known state, and kept as
// awaiting reaping on its node like a destroy's (pending-reaps.ts); the agent's Hello reaps it and
// its exit makes it DONE then.
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { TransitionCtx } from '../model/transition.js';
import { recordAwaitingReap, unreachableTasks } from '../pending-reaps.js';
import { kill, transition } from './fanout.js';

/** share of the remaining deadline the EXIT step may use: the kill step needs the rest */
const EXIT_SHARE = 0.6;

/**
 * Kills what still runs (graded unless `force`), waits for the agents and frees resources.
 * `spareAway`: tasks whose node is unreachable after the kill (away before it or lost during it)
 * are not set DONE but marked lost, and returned; otherwise every task ends DONE and none is.
 */
export async function killAll(
  controller: ControllerCore,
  ctx: TransitionCtx,
  tasks: readonly TaskRuntime[],
  graded: boolean,
  reason: string,
  spareAway = false,
): Promise<Set<TaskRuntime>> {
  const alive = tasks.filter((t) => t.launched || t.lost || t.waitBatch);
  if (alive.length) await kill(controller, ctx, alive, graded, reason);
  const away = spareAway ? unreachableTasks(controller, tasks) : new Set<TaskRuntime>();
  for (const t of tasks) {
    if (away.has(t)) {
      // its process may still run: lost (state unconfirmed), not DONE, until its agent is back
      if (t.env.setTaskLost(t, true)) controller.persist.task(t);
    } else {
      if (t.launched && !t.lost) {
        // the agent confirmed the kill batch without an exit for it: it is gone all the same
        t.launched = false;
      }
      controller.setTaskState(t, 'DONE'); // the state vector carries it: no row write per task
    }
    controller.nodeOf(t)?.release(t);
  }
  return away;
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
  const away = await killAll(controller, ctx, env.tasks, true, 'EXIT', true);
  const unclean = ctx.nonFatal.filter((f) => !away.has(f.task)).length;
  if (unclean) {
    controller.emit({
      kind: 'env.transition',
      envId: env.id,
      transition: 'EXIT',
      message: `${unclean} task(s) did not EXIT cleanly and were killed`,
      data: { phase: 'progress', unclean: String(unclean) },
    });
  }
  if (!away.size) return;
  const awaiting = recordAwaitingReap(controller, away);
  const byNode = new Map<string, number>();
  for (const x of awaiting) byNode.set(x.node, (byNode.get(x.node) ?? 0) + 1);
  const words = [...byNode].map(([node, n]) => `${n} task(s) on node ${node}`).join(', ');
  controller.emit({
    kind: 'env.transition',
    envId: env.id,
    transition: 'EXIT',
    message: `${words} await reaping: ${byNode.size > 1 ? 'their agents are' : 'its agent is'} away (lost until it is back)`,
    data: { phase: 'progress', awaitingReap: awaiting.map((x) => `${x.node}:${x.taskId}`).join(',') },
  });
}
