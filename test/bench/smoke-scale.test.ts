// The scale benchmarks at smoke size (test/bench/smoke.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCHMARKS } from './benches/index.js';
import { SMOKE_GROUPS, smokeTests } from './smoke.js';

smokeTests('scale');

test('every benchmark has a smoke test in one of the smoke files', () => {
  const grouped = Object.values(SMOKE_GROUPS).flat();
  assert.deepEqual([...grouped].sort(), BENCHMARKS.map((b) => b.name).sort());
});
