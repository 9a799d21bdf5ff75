// Shared by the sink tests: the controller's own event list (the truth every sink is compared
// with) and checks on what a consumer received.
import assert from 'node:assert/strict';
import type { ControlClient, Event, EventSinkStatus, Info } from '../../../core/rpc/gen/control.js';
import { call, subscribe, waitFor } from '../controller/harness.js';

/** every stored event, as Subscribe replays them */
export async function controllerEvents(client: ControlClient): Promise<Event[]> {
  const last = (await call<unknown, Info>(client, 'getInfo', {})).lastEventSeq;
  const sub = subscribe(client, { replayAll: true });
  try {
    await waitFor(() => (sub.events.at(-1)?.seq ?? 0) >= last || sub.error, 30_000, `replay up to seq ${last}`);
    if (sub.error) throw sub.error;
    return sub.events.filter((e) => e.seq <= last);
  } finally {
    sub.stop();
  }
}

export async function sinkStatus(client: ControlClient, name: string): Promise<EventSinkStatus & { lastEventSeq: number }> {
  const info = await call<unknown, Info>(client, 'getInfo', {});
  const s = info.eventSinks.find((x) => x.name === name);
  assert.ok(s, `GetInfo lists sink ${name}`);
  return { ...s, lastEventSeq: info.lastEventSeq };
}

/** waits until the sink has delivered every stored event */
export async function caughtUp(client: ControlClient, name: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const s = await sinkStatus(client, name);
      return s.state === 'up' && s.deliveredSeq === s.lastEventSeq && s.lag === 0;
    },
    timeoutMs,
    `sink ${name} delivered every event`,
  );
}

export interface Received {
  seq: number;
  kind: string;
  envId: string;
}

/** Every stored event arrived (kind and environment the same), and a repeat is only ever of an
 *  event already received (at least once: a batch sent again), never one that skips ahead. */
export function assertAllArrived(received: Received[], truth: Event[], what: string): void {
  const first = new Map<number, Received>();
  let highest = 0;
  for (const r of received) {
    if (first.has(r.seq)) continue;
    // a new seq comes after every earlier new one: in order per seq
    assert.ok(r.seq > highest, `${what}: seq ${r.seq} arrived (first time) after ${highest}`);
    highest = r.seq;
    first.set(r.seq, r);
  }
  const missing = truth.filter((e) => !first.has(e.seq)).map((e) => `${e.seq}:${e.kind}`);
  assert.deepEqual(missing, [], `${what}: every event of the controller arrived`);
  for (const e of truth) {
    const r = first.get(e.seq)!;
    assert.equal(r.kind, e.kind, `${what}: seq ${e.seq} kind`);
    assert.equal(r.envId, e.envId, `${what}: seq ${e.seq} environment`);
  }
  const extra = [...first.keys()].filter((s) => !truth.some((e) => e.seq === s));
  assert.deepEqual(extra, [], `${what}: nothing arrived that the controller does not have`);
}
