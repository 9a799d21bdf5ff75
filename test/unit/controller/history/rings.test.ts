// The history's rings (core/controller/history/ring.ts, store.ts): a tier keeps its last `slots`
// periods and forgets older ones, averages what falls in one period, reads nothing from an older
// lap; a series' memory is fixed (the bound docs/architecture.md states); the series limit holds;
// a query picks the fine tier within its reach and the coarse one beyond, averaged to the step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TierRing } from '../../../../core/controller/history/ring.js';
import { COARSE_FACTOR, COARSE_SLOTS, FINE_SLOTS, HistoryStore, pointsOf } from '../../../../core/controller/history/store.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

test('a tier keeps its last slots and forgets older periods', () => {
  const ring = new TierRing(1000, 4);
  for (let i = 0; i < 6; i++) ring.add(T0 + i * 1000, i);
  const read = ring.read(T0, T0 + 10_000);
  assert.deepEqual(
    read.map((p) => p.value),
    [2, 3, 4, 5],
  );
  assert.equal(read[0]!.timeMs, T0 + 2000);
});

test('a tier averages the samples of one period', () => {
  const ring = new TierRing(10_000, 8);
  ring.add(T0, 1);
  ring.add(T0 + 2000, 2);
  ring.add(T0 + 4000, 6);
  assert.deepEqual(ring.read(T0, T0 + 9999), [{ timeMs: T0, value: 3 }]);
});

test('after a silence longer than the ring, slots of the older lap read as empty', () => {
  const ring = new TierRing(1000, 4);
  ring.add(T0, 1);
  ring.add(T0 + 1000, 2);
  // 9 periods later: slot 1 (T0+1000's) is overwritten by T0+9000... and T0's slot is from a lap ago
  ring.add(T0 + 9000, 9);
  assert.deepEqual(
    ring.read(T0, T0 + 20_000).map((p) => p.value),
    [9],
  );
});

test('a clock step back is ignored, not written over the newest slot', () => {
  const ring = new TierRing(1000, 4);
  ring.add(T0 + 5000, 5);
  ring.add(T0 + 1000, 1);
  assert.deepEqual(
    ring.read(T0, T0 + 10_000).map((p) => p.value),
    [5],
  );
});

test('a short period (tests sample every 200 ms) keeps working with real clock times', () => {
  const ring = new TierRing(200, 16);
  for (let i = 0; i < 40; i++) ring.add(T0 + i * 200, i);
  assert.equal(ring.read(T0, T0 + 100_000).length, 16);
});

test('a series holds a fixed number of bytes however long it is written', () => {
  const store = new HistoryStore(5000, 10);
  for (let i = 0; i < 20_000; i++) store.record(T0 + i * 5000, 'cpu', { node: 'n1' }, i % 100);
  // float32 value + uint32 period per slot, in both tiers
  assert.equal(store.bytes, (FINE_SLOTS + COARSE_SLOTS) * 8);
  assert.equal(store.size, 1);
});

test('the series limit holds: new series past it are refused and counted', () => {
  const store = new HistoryStore(5000, 3);
  for (let n = 0; n < 5; n++) store.record(T0, 'cpu', { node: `n${n}` }, 1);
  assert.equal(store.size, 3);
  assert.equal(store.refused, 2);
  assert.equal(store.get('cpu', { node: 'n4' }), undefined);
  // an existing series still takes samples
  store.record(T0 + 5000, 'cpu', { node: 'n0' }, 2);
  assert.equal(store.get('cpu', { node: 'n0' })!.fine.read(T0, T0 + 5000).length, 2);
});

test('a series nothing wrote for a day is swept; a live one stays', () => {
  const store = new HistoryStore(5000, 10);
  store.record(T0, 'cpu', { node: 'gone' }, 1);
  const day = 5000 * COARSE_FACTOR * COARSE_SLOTS;
  store.record(T0 + day + 60_000, 'cpu', { node: 'live' }, 1);
  store.sweep(T0 + day + 120_000);
  assert.deepEqual(
    store.find(['cpu'], {}).map((s) => s.id.labels.node),
    ['live'],
  );
});

test('a query within the last hour reads the fine tier; an older range the coarse one, averaged to the step', () => {
  const store = new HistoryStore(5000, 10);
  const end = T0 + 3 * 3_600_000;
  for (let t = T0; t <= end; t += 5000) store.record(t, 'cpu', { node: 'n1' }, (t - T0) / 3_600_000);
  const s = store.get('cpu', { node: 'n1' })!;
  const recent = pointsOf(s, end - 900_000, end, 5000);
  assert.equal(recent.length, 181); // 15 min at 5 s, both ends included
  const older = pointsOf(s, T0, end, 600_000);
  // 3 h in 10 min steps, from the one-minute tier
  assert.equal(older.length, 19);
  assert.ok(Math.abs(older[6]!.value - 1.0749) < 0.01, `the hour-1 bucket averages to about 1.07, got ${older[6]!.value}`);
});
