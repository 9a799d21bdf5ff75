// Subscribe: replay stored events after from_seq, then follow live, filtered per subscriber by
// environment and kind prefix. A slow subscriber never blocks the controller: when gRPC's buffer
// is full, events queue here up to a bound; past it the stream ends with UNAVAILABLE telling the
// subscriber the seq to resume from.
import type * as grpc from '@grpc/grpc-js';
import type { EventBatch, SubscribeRequest, Event } from '../../rpc/gen/control.js';
import { detailToProto, toServiceError } from '../../rpc/errors.js';
import { BatonError } from '../../model/errors.js';
import type { Store } from '../../store/store.js';
import { eventFromStored, type BusEvent, type EventBus } from './bus.js';

const REPLAY_PAGE = 1000;
const WRITE_CHUNK = 500;

export function eventToProto(e: BusEvent): Event {
  return {
    seq: e.seq,
    timeMs: e.timeMs,
    kind: e.kind,
    envId: e.envId,
    taskId: e.taskId,
    node: e.node,
    state: e.state,
    transition: e.transition,
    message: e.message,
    error: e.error ? detailToProto(e.error) : undefined,
    data: e.data ?? {},
    runNumber: e.runNumber,
  };
}

export interface SubscribeOptions {
  /** events queued beyond gRPC's own buffer before the subscriber is cut off */
  maxQueued: number;
}

export async function serveSubscribe(
  bus: EventBus,
  store: Store,
  call: grpc.ServerWritableStream<SubscribeRequest, EventBatch>,
  opts: SubscribeOptions,
): Promise<void> {
  const req = call.request;
  const envId = req.envId;
  const kinds = req.kinds.filter((k) => k !== '');
  const matches = (e: BusEvent) => (!envId || e.envId === envId) && (kinds.length === 0 || kinds.some((p) => e.kind.startsWith(p)));

  let lastSent = 0;
  let replaying = true;
  let buffered: BusEvent[] = [];
  let queue: BusEvent[] = [];
  let congested = false;
  let done = false;

  const finish = () => {
    if (done) return;
    done = true;
    unlisten();
  };
  const cutOff = () => {
    const missed = queue.length;
    finish();
    queue = [];
    call.emit(
      'error',
      toServiceError(
        new BatonError(
          'UNAVAILABLE',
          `subscriber too slow: ${missed}+ events were not delivered after seq ${lastSent}; resubscribe with from_seq=${lastSent}`,
          { data: { resume_from_seq: String(lastSent), missed: String(missed) } },
        ),
      ),
    );
  };
  const writeNow = (events: BusEvent[]): void => {
    for (let i = 0; i < events.length && !done; i += WRITE_CHUNK) {
      const chunk = events.slice(i, i + WRITE_CHUNK);
      lastSent = chunk[chunk.length - 1]!.seq;
      const ok = call.write({ events: chunk.map(eventToProto) });
      if (!ok && i + WRITE_CHUNK < events.length) {
        queue = events.slice(i + WRITE_CHUNK);
        congested = true;
        call.once('drain', drain);
        return;
      }
      if (!ok) {
        congested = true;
        call.once('drain', drain);
      }
    }
  };
  const drain = () => {
    if (done) return;
    congested = false;
    const q = queue;
    queue = [];
    if (q.length) writeNow(q);
  };
  const send = (events: BusEvent[]) => {
    if (done || !events.length) return;
    if (congested) {
      queue.push(...events);
      if (queue.length > opts.maxQueued) cutOff();
      return;
    }
    writeNow(events);
  };
  const fresh = (events: readonly BusEvent[]) => events.filter((e) => e.seq > lastSent && matches(e));

  const unlisten = bus.listen({
    push(batch) {
      if (done) return;
      if (replaying) {
        buffered.push(...batch);
        if (buffered.length > opts.maxQueued * 4) cutOff();
        return;
      }
      send(fresh(batch));
    },
  });
  call.on('cancelled', finish);
  call.on('close', finish);
  call.on('error', finish);

  const from = req.fromSeq > 0 ? req.fromSeq : req.replayAll ? 0 : -1;
  try {
    if (from >= 0) {
      let after = from;
      for (;;) {
        const rows = await store.readEvents(after, { envId: envId || undefined, limit: REPLAY_PAGE });
        if (done) return;
        if (!rows.length) break;
        after = rows[rows.length - 1]!.seq;
        send(fresh(rows.map((r) => eventFromStored(r.seq, r.body))));
        if (congested) await waitDrained(call, () => done || !congested);
        if (rows.length < REPLAY_PAGE) break;
      }
    } else {
      lastSent = bus.lastSeq;
    }
    replaying = false;
    const b = buffered;
    buffered = [];
    send(fresh(b));
  } catch (e) {
    finish();
    call.emit('error', toServiceError(e));
  }
}

function waitDrained(call: NodeJS.EventEmitter, ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ready()) {
        call.off('drain', check);
        call.off('close', check);
        resolve();
      }
    };
    call.on('drain', check);
    call.on('close', check);
    setImmediate(check);
  });
}
