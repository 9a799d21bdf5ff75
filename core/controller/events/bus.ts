// Every change becomes an event: appended to the store in batches (write-behind, flushed every
// FLUSH_MS and at the end of every transition) and fanned out to subscribers once stored, so a
// live event always carries its final seq and a resumed subscriber never sees a seq twice.
import type { Store } from '../../store/store.js';
import type { ErrorDetailLike } from '../../model/errors.js';
import { eventSeverity, eventUser } from '../../model/event-severity.js';
import { FlushTimer } from '../../model/flush-timer.js';

export interface BusEvent {
  seq: number;
  timeMs: number;
  kind: string;
  envId: string;
  taskId: string;
  node: string;
  state: string;
  transition: string;
  message: string;
  error?: ErrorDetailLike;
  data?: Record<string, string>;
  runNumber: number;
}

export type EventInput = Partial<Omit<BusEvent, 'seq' | 'timeMs' | 'kind'>> & { kind: string };

export interface EventListener {
  /** called with every stored batch, in seq order */
  push(events: readonly BusEvent[]): void;
}

const FLUSH_MS = 50;
/**
 * Pending events from which they are stored at the end of the turn rather than after FLUSH_MS: a
 * transition of many tasks stores its events as the answers come (while the agents still work),
 * not all in the write before its reply.
 */
const FLUSH_BURST = 500;

export class EventBus {
  private pending: BusEvent[] = [];
  private readonly due = new FlushTimer(FLUSH_MS, () => void this.flush());
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<EventListener>();
  private closed = false;
  lastSeq = 0;

  constructor(private readonly store: Store) {}

  async init(): Promise<void> {
    this.lastSeq = await this.store.lastEventSeq();
  }

  emit(e: EventInput): void {
    if (this.closed) return;
    this.pending.push({
      seq: 0,
      timeMs: Date.now(),
      kind: e.kind,
      envId: e.envId ?? '',
      taskId: e.taskId ?? '',
      node: e.node ?? '',
      state: e.state ?? '',
      transition: e.transition ?? '',
      message: e.message ?? '',
      error: e.error,
      data: e.data,
      runNumber: e.runNumber ?? 0,
    });
    if (this.pending.length >= FLUSH_BURST) this.due.soon();
    else this.due.later();
  }

  listen(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Stores what is pending (one transaction) and fans it out. Serialised: seqs stay ordered. */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .then(() => this.flushNow())
      .catch((e) => {
        console.error(`baton controller: storing events failed: ${(e as Error).message}`);
      });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.due.stop();
  }

  private async flushNow(): Promise<void> {
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    const recs = batch.map((e) => ({
      timeMs: e.timeMs,
      kind: e.kind,
      envId: e.envId,
      taskId: e.taskId,
      node: e.node,
      body: bodyOf(e),
      severity: eventSeverity(e),
      user: eventUser(e),
    }));
    const seqs = await this.store.appendEvents(recs);
    for (let i = 0; i < batch.length; i++) batch[i]!.seq = seqs[i]!;
    this.lastSeq = seqs[seqs.length - 1] ?? this.lastSeq;
    for (const l of this.listeners) {
      try {
        l.push(batch);
      } catch (e) {
        console.error(`baton controller: event listener failed: ${(e as Error).message}`);
      }
    }
  }
}

/** the stored body: the event without its seq and without empty fields */
function bodyOf(e: BusEvent): Record<string, unknown> {
  const b: Record<string, unknown> = { timeMs: e.timeMs, kind: e.kind };
  if (e.envId) b.envId = e.envId;
  if (e.taskId) b.taskId = e.taskId;
  if (e.node) b.node = e.node;
  if (e.state) b.state = e.state;
  if (e.transition) b.transition = e.transition;
  if (e.message) b.message = e.message;
  if (e.error) b.error = e.error;
  if (e.data) b.data = e.data;
  if (e.runNumber) b.runNumber = e.runNumber;
  return b;
}

/** an event as read back from the store */
export function eventFromStored(seq: number, body: unknown): BusEvent {
  const b = (body ?? {}) as Partial<BusEvent>;
  return {
    seq,
    timeMs: b.timeMs ?? 0,
    kind: b.kind ?? '',
    envId: b.envId ?? '',
    taskId: b.taskId ?? '',
    node: b.node ?? '',
    state: b.state ?? '',
    transition: b.transition ?? '',
    message: b.message ?? '',
    error: b.error,
    data: b.data,
    runNumber: b.runNumber ?? 0,
  };
}
