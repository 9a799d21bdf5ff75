// Which exited tasks an agent still keeps: they stay readable (logs, Hello) until a reap, and past
// a bound the oldest exits go. Kept in exit order as they exit: scanning the task table on every
// exit was quadratic, a fifth of an agent's cpu when 1,000 tasks exited together.
import type { ProcTask } from './task.js';

export class ExitedTasks {
  /** ids of exited tasks, oldest exit first (a Set keeps insertion order) */
  private readonly order = new Set<string>();

  constructor(
    private readonly tasks: Map<string, ProcTask>,
    private readonly max: number,
  ) {}

  /** `t` has exited: remember it, and forget the oldest exited tasks past the bound. */
  exited(t: ProcTask): void {
    this.order.delete(t.id);
    this.order.add(t.id);
    for (const id of this.order) {
      if (this.order.size <= this.max) break;
      this.order.delete(id);
      if (this.tasks.get(id)?.exit) this.tasks.delete(id);
    }
  }

  /** The task left the table some other way (reaped, forgotten). */
  forget(id: string): void {
    this.order.delete(id);
  }
}
