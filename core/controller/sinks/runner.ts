// One sink's delivery loop: read the next events after the sink's resume point from the store,
// deliver them, then move the resume point (kept in the store's meta table, so it survives a
// restart). What is not yet delivered stays in the store, never in memory: a slow or dead sink
// holds one batch at a time, and the controller never waits for it. At least once: a crash
// between a delivery and the stored resume point repeats that batch, so events carry their seq.
import type { Store } from '../../store/store.js';
import { eventFromStored, type BusEvent, type EventBus } from '../events/bus.js';
import { targetOf, type EventSinkConfig } from './config.js';

/** a sink's way out: delivers a batch (in seq order) or throws */
export interface SinkTransport {
  deliver(events: readonly BusEvent[]): Promise<void>;
  close(): Promise<void>;
}

export interface SinkStatus {
  name: string;
  kind: string;
  target: string;
  /** up: the last delivery worked; down: it failed and is being retried; starting: none tried yet */
  state: 'starting' | 'up' | 'down';
  deliveredSeq: number;
  /** events stored but not delivered yet */
  lag: number;
  lastError: string;
  /** since when it is down (0 when up) */
  downSinceMs: number;
  lastDeliveredMs: number;
  /** failed deliveries in a row */
  failures: number;
}

export const cursorKey = (name: string) => `event-sink.${name}.delivered-seq`;

type Log = (line: string) => void;

export class SinkRunner {
  private cursor = 0;
  private state: SinkStatus['state'] = 'starting';
  private lastError = '';
  private downSinceMs = 0;
  private lastDeliveredMs = 0;
  private failures = 0;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> = Promise.resolve();
  private unlisten: () => void = () => {};

  constructor(
    readonly config: EventSinkConfig,
    private readonly transport: SinkTransport,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly log: Log,
  ) {}

  /** Reads (or sets, the first time) the resume point, then delivers in the background. */
  async start(): Promise<void> {
    const stored = await this.store.getMeta(cursorKey(this.config.name));
    if (stored !== null) this.cursor = Number(stored) || 0;
    else {
      this.cursor = this.config.from === 'beginning' ? 0 : this.bus.lastSeq;
      await this.store.setMeta(cursorKey(this.config.name), String(this.cursor));
    }
    this.unlisten = this.bus.listen({ push: () => this.wake() });
    this.loop = this.run();
  }

  status(): SinkStatus {
    return {
      name: this.config.name,
      kind: this.config.kind,
      target: targetOf(this.config),
      state: this.state,
      deliveredSeq: this.cursor,
      lag: Math.max(0, this.bus.lastSeq - this.cursor),
      lastError: this.lastError,
      downSinceMs: this.downSinceMs,
      lastDeliveredMs: this.lastDeliveredMs,
      failures: this.failures,
    };
  }

  /** Stops delivering (a batch under way is abandoned: it is delivered again after a restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten();
    this.wake();
    await this.transport.close().catch(() => {});
    await this.loop;
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** waits for a new stored event, stop, or ms (when given) */
  private pause(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const t = ms === undefined ? null : setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        if (t) clearTimeout(t);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let backoff = this.config.retryInitialMs!;
    let emptyAt = -1;
    while (!this.stopped) {
      let rows;
      try {
        rows = await this.store.readEvents(this.cursor, { limit: this.config.batchSize });
      } catch (e) {
        if (this.stopped) return;
        this.log(`baton controller: event sink ${this.config.name}: reading events failed: ${(e as Error).message}`);
        await this.pause(this.config.retryMaxMs);
        continue;
      }
      if (!rows.length) {
        // events stored after the read (their push found no pause to wake): read again, once
        if (this.bus.lastSeq > this.cursor && emptyAt !== this.bus.lastSeq) {
          emptyAt = this.bus.lastSeq;
          continue;
        }
        await this.pause(this.bus.lastSeq > this.cursor ? 1000 : undefined);
        continue;
      }
      const batch = rows.map((r) => eventFromStored(r.seq, r.body));
      try {
        await this.transport.deliver(batch);
      } catch (e) {
        if (this.stopped) return;
        this.failed(e as Error);
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, this.config.retryMaxMs!);
        continue;
      }
      const last = batch[batch.length - 1]!.seq;
      try {
        await this.store.setMeta(cursorKey(this.config.name), String(last));
      } catch (e) {
        if (this.stopped) return;
        this.log(`baton controller: event sink ${this.config.name}: storing its resume point failed: ${(e as Error).message}`);
      }
      this.cursor = last;
      this.delivered();
      backoff = this.config.retryInitialMs!;
    }
  }

  private failed(e: Error): void {
    this.failures++;
    this.lastError = e.message;
    if (this.state !== 'down') {
      this.state = 'down';
      this.downSinceMs = Date.now();
      const lag = Math.max(0, this.bus.lastSeq - this.cursor);
      this.log(
        `baton controller: event sink ${this.config.name} (${targetOf(this.config)}) is down: ${e.message}; ` +
          `retrying from seq ${this.cursor + 1} (${lag} behind), events wait in the store`,
      );
    }
  }

  private delivered(): void {
    if (this.state === 'down') {
      const s = Math.round((Date.now() - this.downSinceMs) / 1000);
      this.log(
        `baton controller: event sink ${this.config.name} is back after ${s} s and ${this.failures} failed attempts; delivered up to seq ${this.cursor}`,
      );
    }
    this.state = 'up';
    this.failures = 0;
    this.lastError = '';
    this.downSinceMs = 0;
    this.lastDeliveredMs = Date.now();
  }
}
