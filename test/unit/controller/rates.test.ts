// Live channel rates from per-task counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeRates } from '../../../core/controller/rates.js';
import type { ChannelCounter } from '../../../core/rpc/gen/common.js';

const c = (msgRate: number, byteRate: number): ChannelCounter => ({ channel: 'x', messages: 0, bytes: 0, msgRate, byteRate });

test('a single-target connect measures its edge exactly', () => {
  assert.deepEqual(edgeRates(c(100, 1000), c(40, 400), 3, 1), { msgRate: 40, byteRate: 400 });
});

test('a bind with a single peer measures its edge when the connect side is shared', () => {
  assert.deepEqual(edgeRates(c(10, 100), c(30, 300), 1, 3), { msgRate: 10, byteRate: 100 });
  assert.deepEqual(edgeRates(c(10, 100), undefined, 1, 1), { msgRate: 10, byteRate: 100 });
});

test('otherwise a side is shared evenly among its edges; no counters give zero', () => {
  assert.deepEqual(edgeRates(c(90, 900), c(60, 600), 3, 2), { msgRate: 30, byteRate: 300 });
  assert.deepEqual(edgeRates(c(90, 900), undefined, 3, 2), { msgRate: 30, byteRate: 300 });
  assert.deepEqual(edgeRates(undefined, undefined, 1, 1), { msgRate: 0, byteRate: 0 });
});
