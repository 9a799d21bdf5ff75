// Subscribe over a real store and bus, with a fake gRPC call: replay then live without gaps or
// duplicates, and a subscriber that stops reading is cut off with the seq to resume from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { EventBus } from '../../../core/controller/events/bus.js';
import { serveSubscribe } from '../../../core/controller/events/subscribe.js';
import { fromServiceError } from '../../../core/rpc/errors.js';
import type { EventBatch, SubscribeRequest } from '../../../core/rpc/gen/control.js';

class FakeCall extends EventEmitter {
  batches: EventBatch[] = [];
  error: Error | null = null;
  constructor(
    readonly request: SubscribeRequest,
    private accept = Infinity,
  ) {
    super();
    this.on('error', (e: Error) => {
      this.error = e;
    });
  }
  write(b: EventBatch): boolean {
    this.batches.push(b);
    return this.batches.length < this.accept;
  }
  drain(more: number): void {
    this.accept = this.batches.length + more;
    this.emit('drain');
  }
  get seqs(): number[] {
    return this.batches.flatMap((b) => b.events.map((e) => e.seq));
  }
}

function req(r: Partial<SubscribeRequest>): SubscribeRequest {
  return { fromSeq: 0, envId: '', kinds: [], replayAll: false, ...r };
}

async function setup() {
  const store = openSqliteStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-')), 'b.db'));
  const bus = new EventBus(store);
  await bus.init();
  return { store, bus };
}

test('replay from a seq, then live, filtered; nothing twice, nothing missing', async () => {
  const { store, bus } = await setup();
  for (let i = 0; i < 2500; i++) bus.emit({ kind: i % 2 ? 'task.state' : 'env.state', envId: i % 3 ? 'a' : 'b' });
  await bus.flush();
  const call = new FakeCall(req({ fromSeq: 100, envId: 'a', kinds: ['task.'] }));
  const served = serveSubscribe(bus, store, call as never, { maxQueued: 100_000 });
  for (let i = 0; i < 500; i++) bus.emit({ kind: 'task.state', envId: 'a' }); // while replaying
  await bus.flush();
  await served;
  for (let i = 0; i < 10; i++) bus.emit({ kind: 'task.state', envId: 'a' });
  bus.emit({ kind: 'env.state', envId: 'a' });
  await bus.flush();
  const all = await store.readEvents(100);
  const want = all.filter((e) => e.envId === 'a' && e.kind.startsWith('task.')).map((e) => e.seq);
  assert.deepEqual(call.seqs, want);
  call.emit('cancelled');
  await store.close();
});

test('a subscriber that stops reading is cut off with the seq to resume from; the bus goes on', async () => {
  const { store, bus } = await setup();
  const call = new FakeCall(req({}), 2);
  await serveSubscribe(bus, store, call as never, { maxQueued: 50 });
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 20; i++) bus.emit({ kind: 'task.state', envId: 'a' });
    await bus.flush();
  }
  assert.ok(call.error, 'cut off');
  const be = fromServiceError(call.error);
  assert.equal(be.code, 'UNAVAILABLE');
  const resume = Number(be.detail.data?.resume_from_seq);
  assert.equal(resume, call.seqs[call.seqs.length - 1]);
  assert.match(be.message, /resubscribe with from_seq=/);
  // a fresh subscriber resumes from there and gets the rest
  const again = new FakeCall(req({ fromSeq: resume }));
  await serveSubscribe(bus, store, again as never, { maxQueued: 1000 });
  assert.equal(again.seqs[0], resume + 1);
  assert.equal(again.seqs[again.seqs.length - 1], bus.lastSeq);
  await store.close();
});

test('a subscriber that catches up after a pause gets everything in order', async () => {
  const { store, bus } = await setup();
  const call = new FakeCall(req({}), 1);
  await serveSubscribe(bus, store, call as never, { maxQueued: 10_000 });
  for (let i = 0; i < 300; i++) {
    bus.emit({ kind: 'x' });
    if (i % 50 === 0) await bus.flush();
  }
  await bus.flush();
  call.drain(1000);
  await new Promise((r) => setImmediate(r));
  assert.equal(call.error, null);
  assert.deepEqual(
    call.seqs,
    Array.from({ length: 300 }, (_, i) => i + 1),
  );
  await store.close();
});
