// Tasks that owe an answer nobody waits for any more: a transition aborted (a fatal failure ends
// its fan-out at once) while they were still in their handler, or a restarted controller learned
// from the agent's Hello that they are (TaskInfo.busy). Their answer still comes, as a state
// update, and moves them on: until it does, the controller's idea of their state is stale, and a
// RECOVER or a restart decision taken on it would be wrong (RECOVER said DEPLOYED while tasks
// were still finishing a CONFIGURE). Kept in a WeakMap: nothing per task when nothing is owed.
import type { TaskState } from '../../model/states.js';
import type { TaskRuntime } from '../model/task.js';

/** task -> the state it was in when its answer became owed */
const owed = new WeakMap<TaskRuntime, TaskState>();

export function markInFlight(t: TaskRuntime): void {
  owed.set(t, t.state);
}

export function clearInFlight(t: TaskRuntime): void {
  owed.delete(t);
}

/** whether the task's owed answer came (its state moved), or it can no longer come (gone) */
export function settled(t: TaskRuntime): boolean {
  const at = owed.get(t);
  if (at === undefined) return true;
  if (t.state !== at || !t.launched || t.lost) {
    owed.delete(t);
    return true;
  }
  return false;
}

const POLL_MS = 50;

/**
 * Waits until every task given has settled, or `deadlineMs` (epoch) passes; returns the tasks
 * still owing an answer then. Polls: the wait is rare (after an abort or a restart) and short.
 */
export async function waitSettled(tasks: readonly TaskRuntime[], deadlineMs: number): Promise<TaskRuntime[]> {
  let open = tasks.filter((t) => !settled(t));
  while (open.length && Date.now() < deadlineMs) {
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, deadlineMs - Date.now()))));
    open = open.filter((t) => !settled(t));
  }
  return open;
}
