// Follows the run.start and run.stop events across controller restarts: a new subscription from
// the last seq seen after each one, so no stored event is missed.
import * as grpc from '@grpc/grpc-js';
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { Event, EventBatch } from '../../core/rpc/gen/control.js';
import type { ChaosStack } from './stack.js';

export class RunEvents {
  readonly starts: { seq: number; runNumber: number; envId: string }[] = [];
  readonly stops: { seq: number; runNumber: number; envId: string; state: string; reason: string }[] = [];
  private lastSeq = 0;
  private stream: ClientReadableStream<EventBatch> | null = null;
  private broken = true;

  constructor(private stack: ChaosStack) {}

  /** (re)subscribes when the stream is down */
  ensure(): void {
    if (!this.broken) return;
    this.broken = false;
    const s = this.stack.client.subscribe({ fromSeq: this.lastSeq, envId: '', kinds: ['run.'], replayAll: this.lastSeq === 0 }, new grpc.Metadata());
    this.stream = s;
    s.on('data', (b: EventBatch) => {
      for (const e of b.events) this.take(e);
    });
    const down = () => {
      if (this.stream === s) this.broken = true;
    };
    s.on('error', down);
    s.on('end', down);
  }

  private take(e: Event): void {
    if (e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    if (e.kind === 'run.start') this.starts.push({ seq: e.seq, runNumber: e.runNumber, envId: e.envId });
    if (e.kind === 'run.stop')
      this.stops.push({ seq: e.seq, runNumber: e.runNumber, envId: e.envId, state: e.data.run_state ?? e.state, reason: e.data.reason ?? e.message });
  }

  /** after a controller restart: the old stream is dead */
  reset(): void {
    this.stream?.cancel();
    this.stream = null;
    this.broken = true;
  }

  stop(): void {
    this.stream?.cancel();
    this.stream = null;
  }
}
