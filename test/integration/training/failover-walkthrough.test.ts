// Walkthrough 15 (controller fail-over) on a real local cluster (`baton local up --training
// --controllers 3`: etcd, three controllers, agents, task processes), run by the scripted trainee
// through the CLI: the leader is killed -9, a follower takes over, the trainee's answers are
// checked against the live leader and run, and its repair brings the dead controller back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { localStack, type LocalStack } from '../cli/harness.js';
import type { LocalStatus } from '../../../core/local/status.js';

let stack: LocalStack;
before(async () => {
  stack = await localStack(['--agents', '2', '--training', '--controllers', '3']);
});
after(async () => {
  const d = await stack?.down();
  assert.deepEqual(d?.left, [], 'local down leaves no process');
  if (stack) fs.rmSync(stack.home, { recursive: true, force: true });
});

test('15-controller-failover runs to its end with the scripted trainee on a cluster stack', async () => {
  const first = await stack.json<LocalStatus>(['local', 'status']);
  const r = await stack.run(['train', 'start', '15-controller-failover', '--scripted', '--json'], { timeoutMs: 180_000 });
  const report = JSON.parse(r.stdout) as { outcome: string; reason?: string; steps: { completed: boolean; faults: string[]; wrongActions: unknown[] }[] };
  assert.equal(report.outcome, 'completed', report.reason ?? r.stderr);
  assert.deepEqual(
    report.steps.map((s) => [s.completed, s.faults, s.wrongActions.length]),
    [
      [true, ['kill -9 the leading controller'], 0],
      [true, [], 0],
      [true, [], 0],
      [true, [], 0],
    ],
  );
  // the leader changed, and the killed controller is back as a follower
  const last = await stack.json<LocalStatus>(['local', 'status']);
  assert.notEqual(last.cluster!.leader, first.cluster!.leader);
  assert.deepEqual(last.cluster!.controllers.map((c) => c.role).sort(), ['follower', 'follower', 'leader']);
});
