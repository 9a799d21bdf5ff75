// Batches TaskUpdates towards the controller: flushed every few ms or at 1000 items, never one
// message per task. BatchDone is sent after the updates it covers.
import type { AgentMsg, TaskUpdate } from '../rpc/gen/agent.js';
import type { UpdateSink } from './updates.js';

export const FLUSH_MS = 5;
export const FLUSH_ITEMS = 1000;

export type Writer = (msg: AgentMsg) => void;

export class Outbox implements UpdateSink {
  private pending: TaskUpdate[] = [];
  private timer: NodeJS.Timeout | null = null;
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
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
    this.writer = null;
  }
}
