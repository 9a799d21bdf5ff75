// Batches TaskUpdates towards the controller, never one message per task: a burst (many updates
// said in one turn of the loop, as when 1,000 exits are handled together) goes at the end of that
// turn; a trickle waits up to FLUSH_MS to share a message; at most FLUSH_ITEMS a message.
// BatchDone is sent after the updates it covers.
import type { AgentMsg, TaskUpdate } from '../rpc/gen/agent.js';
import type { UpdateSink } from './updates.js';
import { FlushTimer } from '../model/flush-timer.js';

export const FLUSH_MS = 5;
export const FLUSH_ITEMS = 1000;
/**
 * Pending updates from which the message goes at the end of the turn instead of after FLUSH_MS:
 * a slice of exits handled in one turn is on its way to the controller while the agent handles
 * the next slice (the controller applies one batch while the agent builds the next).
 */
export const FLUSH_BURST = 100;

export type Writer = (msg: AgentMsg) => void;

export class Outbox implements UpdateSink {
  private pending: TaskUpdate[] = [];
  private readonly due = new FlushTimer(FLUSH_MS, () => this.flush(), false);
  private writer: Writer | null = null;

  /** Where messages go now; null drops them (no controller: the next Hello is the snapshot). */
  setWriter(w: Writer | null): void {
    this.pending = [];
    this.writer = w;
  }

  push(u: TaskUpdate): void {
    if (!this.writer) return;
    this.pending.push(u);
    if (this.pending.length >= FLUSH_ITEMS) this.flush();
    else if (this.pending.length >= FLUSH_BURST) this.due.soon();
    else this.due.later();
  }

  flush(): void {
    this.due.cancel();
    while (this.pending.length) {
      const items = this.pending.splice(0, FLUSH_ITEMS);
      this.writer?.({ msg: { $case: 'updates', updates: { items } } });
    }
  }

  batchDone(batchId: number): void {
    this.flush();
    this.writer?.({ msg: { $case: 'batchDone', batchDone: { batchId } } });
  }

  send(msg: AgentMsg): void {
    this.writer?.(msg);
  }

  close(): void {
    this.due.cancel();
    this.pending = [];
    this.writer = null;
  }
}
