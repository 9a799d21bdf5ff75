// Placement against the live nodes: snapshots of the up nodes go to the scheduler; its answer is
// applied (resources held, node task sets updated) only when every task fits.
import type { TaskSpec } from '../workflow/types.js';
import type { ControllerCore } from './core.js';
import type { TaskRuntime } from './model/task.js';
import { placeTasks, type PlaceNode } from './scheduler.js';
import { isBatonError, BatonError } from '../model/errors.js';
import { awayReason, leftOutReason, schedulable } from './inventory/schedule.js';

/** The up nodes that take new placements (cordoned and drained ones do not). */
export function nodeSnapshots(controller: ControllerCore): PlaceNode[] {
  return controller.nodes
    .all()
    .filter((n) => n.up && schedulable(n))
    .map((n) => ({
      name: n.name,
      labels: n.labels,
      sim: n.sim,
      cpu: n.cpuCap,
      memoryBytes: n.memCap,
      usedCpu: n.usedCpu,
      usedMem: n.usedMem,
      load: n.tasks.size,
    }));
}

/** Runs a placement; a PLACEMENT error also says which up nodes were left out and why (cordoned,
 *  draining, drained) and which known nodes are away, so an operator sees that the cause is a
 *  cordon or an agent not back yet, and not a missing machine. */
export function explainPlacement<T>(controller: ControllerCore, place: () => T): T {
  try {
    return place();
  } catch (e) {
    const nodes = controller.nodes.all();
    const why = isBatonError(e) && e.code === 'PLACEMENT' ? [leftOutReason(nodes), awayReason(nodes)].filter(Boolean).join('; ') : '';
    if (!why) throw e;
    const { code: _code, message, ...fields } = (e as BatonError).detail;
    throw new BatonError('PLACEMENT', `${message}; ${why}`, fields);
  }
}

/** Dry run: the node of every task spec (throws PLACEMENT naming a task that fits nowhere). */
export function planPlacement(controller: ControllerCore, specs: readonly TaskSpec[]): string[] {
  return explainPlacement(controller, () => placeTasks(specs, nodeSnapshots(controller)));
}

/** Places the tasks and holds their resources on their new nodes. */
export function placeOnNodes(controller: ControllerCore, tasks: TaskRuntime[]): void {
  const names = explainPlacement(controller, () =>
    placeTasks(
      tasks.map((t) => t.spec),
      nodeSnapshots(controller),
    ),
  );
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    controller.nodeOf(t)?.release(t);
    t.node = names[i]!;
    controller.nodes.get(t.node)!.assign(t);
    controller.persist.task(t); // its row carries the new node (rows win over the placement vector)
  }
}
