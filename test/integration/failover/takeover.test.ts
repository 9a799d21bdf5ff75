// kill -9 of the leading controller while RUNNING: a follower takes over (same etcd store, same
// controller id towards the agents), re-dials the agents and adopts their tasks; the run goes on
// with the same number and the same processes, and the CLI given every address follows the leader
// through STOP_ACTIVITY and START_ACTIVITY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alive, type EnvDoc, startCluster, waitUntil } from './cluster.js';

test('the leader killed -9 while RUNNING: a follower takes over, same run, same pids, next run number', async (t) => {
  const cluster = await startCluster({ controllers: 3 });
  t.after(() => cluster.stop());

  const first = await cluster.leader();
  const created = await cluster.json<{ id: string }>(['env', 'create', 'quick']);
  for (const transition of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) {
    const r = await cluster.cli(['env', 'control', created.id, transition]);
    assert.equal(r.code, 0, `${transition}: ${r.stderr}`);
  }
  const before = await cluster.json<EnvDoc>(['env', 'show', created.id]);
  assert.equal(before.state, 'RUNNING');
  const run = before.runNumber!;
  assert.ok(run >= 1);
  assert.ok(before.tasks.every((x) => x.pid > 0 && alive(x.pid)));

  await first.kill9();
  const second = await cluster.leader();
  assert.notEqual(second.index, first.index);
  // the successor restored the environment and re-synced its tasks from the agents
  const after = await waitUntil(
    async () => {
      const r = await cluster.cli(['env', 'show', created.id, '--json']);
      if (r.code !== 0) return null;
      const e = JSON.parse(r.stdout) as EnvDoc;
      return e.tasks.every((x) => x.state === 'RUNNING' && !x.lost) ? e : null;
    },
    30_000,
    'the tasks RUNNING under the new leader',
  );
  assert.equal(after.state, 'RUNNING');
  assert.equal(after.runNumber, run, 'the run goes on with its number');
  assert.deepEqual(
    after.tasks.map((x) => [x.name, x.pid]),
    before.tasks.map((x) => [x.name, x.pid]),
    'the same processes, adopted, not restarted',
  );

  for (const transition of ['STOP_ACTIVITY', 'START_ACTIVITY']) {
    const r = await cluster.cli(['env', 'control', created.id, transition]);
    assert.equal(r.code, 0, `${transition} through the new leader: ${r.stderr}`);
  }
  const again = await cluster.json<EnvDoc>(['env', 'show', created.id]);
  assert.equal(again.state, 'RUNNING');
  assert.equal(again.runNumber, run + 1, 'the next number: none lost, none repeated');
  assert.deepEqual(
    again.tasks.map((x) => x.pid),
    before.tasks.map((x) => x.pid),
  );
  const runs = await cluster.json<{ runNumber: number; state: string }[]>(['run', 'list']);
  assert.deepEqual(
    runs.map((r) => [r.runNumber, r.state]),
    [
      [run + 1, 'open'],
      [run, 'closed'],
    ],
  );
  // the agents took the successor as their owner: no take-over, no refusal
  const events = await cluster.cli(['events', '--kind', 'node.', '--json']);
  assert.equal(events.code, 0, events.stderr);
  assert.match(events.stdout, /node\.up/);
  assert.ok(!/node\.refused/.test(events.stdout), events.stdout);
});
