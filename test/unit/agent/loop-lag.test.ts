// The agent's loop delay per heartbeat window: on-time ticks count as 0, the p99 is the sample at
// the 99th percentile's rank and the max the latest tick; a loop held across a read shows in that
// read's window (the interval still open counts), and the next window starts clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoopLagMonitor, windowLag } from '../../../core/agent/loop-lag.js';

test('p99 and max of a window of on-time and late ticks', () => {
  assert.deepEqual(windowLag(0, []), { p99Ms: 0, maxMs: 0 });
  assert.deepEqual(windowLag(100, []), { p99Ms: 0, maxMs: 0 });
  // one late tick in 100: below the 99th percentile, but the max
  assert.deepEqual(windowLag(99, [40]), { p99Ms: 0, maxMs: 40 });
  // two late in 100: the 99th sample is the smaller of them
  assert.deepEqual(windowLag(98, [40, 7.123]), { p99Ms: 7.12, maxMs: 40 });
  // all late: the 99th of 100 in ascending order
  const all = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(windowLag(0, all), { p99Ms: 99, maxMs: 100 });
});

test('a loop held across a read shows in that window only', () => {
  const monitor = new LoopLagMonitor();
  monitor.start();
  try {
    const until = performance.now() + 150;
    while (performance.now() < until) {
      // held: no tick can run
    }
    const held = monitor.read();
    assert.ok(held.maxMs >= 100, `a 150 ms hold shows: ${JSON.stringify(held)}`);
    assert.deepEqual(monitor.read(), { p99Ms: 0, maxMs: 0 }, 'the next window starts clean');
  } finally {
    monitor.stop();
  }
});
