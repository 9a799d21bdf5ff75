// The long SIGSTOPs of the chaos suite (13.5-40 s, agent-long-stop.ts) come a fixed number of
// times, spread over the run: the k-th once k/(count+1) of the run's faults are in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LongStopSchedule } from '../../chaos/faults/agent-long-stop.js';

test('a run of 1,000 faults with 4 long stops gets them at 200, 400, 600 and 800 faults, and no more', () => {
  const s = new LongStopSchedule(4, 1000);
  const at: number[] = [];
  for (let faults = 0; faults <= 1000; faults++) {
    // a loop may ask several times at one count (the others have not injected meanwhile)
    if (s.due(faults)) at.push(faults);
    assert.equal(s.due(faults), false, 'one long stop per due point');
  }
  assert.deepEqual(at, [200, 400, 600, 800]);
});

test('no long stops asked for, none given', () => {
  const s = new LongStopSchedule(0, 1000);
  for (let faults = 0; faults <= 1000; faults++) assert.equal(s.due(faults), false);
});
