// A placement error a person reads: cores rounded, memory in MiB/GiB, not 0.30000000000000004
// cores and 1610612736 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeTasks, type PlaceNode } from '../../../core/controller/scheduler.js';
import { formatBinaryBytes, formatCores } from '../../../core/model/units.js';

test('cores and bytes for people', () => {
  assert.equal(formatCores(0.1 + 0.2), '0.3 cores');
  assert.equal(formatCores(1), '1 core');
  assert.equal(formatBinaryBytes(1536 * 1024 * 1024), '1.5 GiB');
  assert.equal(formatBinaryBytes(512 * 1024 * 1024), '512 MiB');
  assert.equal(formatBinaryBytes(0), '0 B');
});

test('a task that fits nowhere is explained in cores and GiB', () => {
  const GiB = 1024 ** 3;
  const nodes: PlaceNode[] = [{ name: 'n1', labels: {}, sim: false, cpu: 1, memoryBytes: 4 * GiB, usedCpu: 0.7000000000000001, usedMem: 3.5 * GiB, load: 0 }];
  assert.throws(
    () => placeTasks([{ name: 'big', constraints: {}, wants: { cpu: 0.5, memoryBytes: 1.5 * GiB }, driver: 'process' }], nodes),
    (e: Error & { code?: string }) =>
      e.code === 'PLACEMENT' && /wants cpu 0\.5 cores, memory 1\.5 GiB;/.test(e.message) && /n1, 0\.3 cores, 512 MiB of memory/.test(e.message),
  );
});
