// `baton local up` gives its agents task ports outside the kernel's ephemeral range: a port
// inside it can be taken by any outgoing connection before its task binds it (agent-2 of a local
// stack once got 32000-32999, against a range starting at 32768).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { agentPortBlocks, localPortSpan } from '../../../core/local/port-blocks.js';
import { ephemeralRange as readEphemeralRange } from '../../../core/model/ephemeral-range.js';

function overlaps([lo, hi]: [number, number], [elo, ehi]: [number, number]): boolean {
  return lo <= ehi && elo <= hi;
}

test('every agent block of a local stack is clear of the ephemeral range and of the others, whatever the random start', () => {
  const ephemeral: [number, number] = [32768, 60999];
  for (const nAgents of [1, 2, 4, 12]) {
    for (const r of [0, 0.5, 0.999999]) {
      const blocks = agentPortBlocks(nAgents, ephemeral, () => r);
      assert.equal(blocks.length, nAgents);
      for (const b of blocks) {
        assert.ok(!overlaps(b, ephemeral), `${nAgents} agents, start ${r}: block ${b.join('-')} is inside ${ephemeral.join('-')}`);
        assert.ok(b[0] >= 20000 && b[1] - b[0] + 1 <= 1000);
      }
      for (let i = 1; i < blocks.length; i++) assert.ok(blocks[i]![0] > blocks[i - 1]![1], 'disjoint, in order');
    }
  }
});

test('the larger free side is used: above a low ephemeral range, all of 20000-64999 without one', () => {
  assert.deepEqual(localPortSpan([32768, 60999]), [20000, 32767]);
  assert.deepEqual(localPortSpan([10000, 40000]), [40001, 64999]);
  assert.deepEqual(localPortSpan(null), [20000, 64999]);
  const high = agentPortBlocks(2, [10000, 40000], () => 0.999999);
  for (const b of high) assert.ok(b[0] > 40000 && b[1] <= 64999);
});

test('too many agents for the free ports is a BAD_INPUT naming --agents, before anything starts', () => {
  assert.throws(
    () => agentPortBlocks(2000, [32768, 60999]),
    (e: Error & { code?: string; detail?: { where?: string } }) => e.code === 'BAD_INPUT' && e.detail?.where === '--agents' && /20000-32767/.test(e.message),
  );
});

test('the range is read from the kernel file, and an unreadable file means no range', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-ports-'));
  try {
    const file = path.join(dir, 'ip_local_port_range');
    fs.writeFileSync(file, '32768\t60999\n');
    assert.deepEqual(readEphemeralRange(file), [32768, 60999]);
    assert.equal(readEphemeralRange(path.join(dir, 'missing')), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
