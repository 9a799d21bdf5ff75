// The fan-out floor the latency benchmark compares itself with: it must measure what it says and
// clean up after itself, also when a peer dies under it (or the benchmark would hang).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fanoutFloor } from './floors/fanout.js';
import { spawnFloor } from './floor.js';
import { isAlive } from '../../core/local/procs.js';
import { PACKAGE_ROOT } from './stack.js';

const C_TASK = path.join(PACKAGE_ROOT, 'dist', 'sdk', 'c', 'demo_task');
const noC = fs.existsSync(C_TASK) ? false : `${C_TASK} was not built (scripts/build-c.sh builds it on Linux with a C compiler)`;

async function gone(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 50 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(isAlive);
}

for (const peer of ['c', 'cat'] as const) {
  test(`${peer} peers: one sample per round, and no peer left afterwards`, { skip: peer === 'c' && noC }, async () => {
    let pids: number[] = [];
    const f = await fanoutFloor(4, 6, peer, { program: C_TASK, onPeers: (p) => (pids = p) });
    assert.equal(f.peers, 4);
    assert.equal(f.samplesMs.length, 6);
    assert.ok(
      f.samplesMs.every((ms) => ms > 0),
      `samples: ${f.samplesMs.join(', ')}`,
    );
    assert.ok(f.peerCpuMsPerRound >= 0);
    assert.equal(pids.length, 4, 'every peer was started');
    assert.deepEqual(await gone(pids), [], 'the peers were stopped');
  });
}

test('a peer killed in the middle fails the floor, naming it, and the others are stopped', { skip: noC }, async () => {
  let pids: number[] = [];
  const run = fanoutFloor(4, 10_000_000, 'c', {
    program: C_TASK,
    onPeers: (p) => {
      pids = p;
      setTimeout(() => process.kill(p[2]!, 'SIGKILL'), 200);
    },
  });
  await assert.rejects(run, (e: Error) => {
    assert.match(e.message, new RegExp(`c peer 2 \\(pid ${pids[2]}\\) exited \\(SIGKILL\\) during the rounds`));
    return true;
  });
  assert.deepEqual(await gone(pids), [], 'no peer is left running');
});

test('the /bin/true floor runs in a fresh process and reports its time; a missing command fails it', async () => {
  const ms = await spawnFloor(20, '/bin/true', [], 4);
  assert.ok(Number.isFinite(ms) && ms > 0, `${ms} ms`);
  await assert.rejects(spawnFloor(2, '/no/such/program', []), /the spawn floor process exited 1/);
});
