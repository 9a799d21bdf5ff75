// Whether a task's process is gone: exited (its exit is known) or lost (its node went and did not
// come back). Its last pid, cpu, memory and rates are then history, shown greyed and labelled
// stale, and nothing can be killed. Pure.
import type { Task } from '../../../../core/rpc/gen/control.js';

export function taskIsDead(task: Pick<Task, 'lost' | 'exit'>): boolean {
  return task.lost || Boolean(task.exit?.exited);
}

export const STALE_TITLE = 'stale: the last values before the task ended';
