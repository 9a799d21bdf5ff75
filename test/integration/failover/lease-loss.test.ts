// A leader that cannot reach etcd for longer than its lease stops acting (the controller process
// exits with code 3) before a follower may be elected: no two controllers drive the agents. Once
// etcd answers again, the follower takes over and adopts the tasks (same run, same pids).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alive, type EnvDoc, startCluster, waitUntil } from './cluster.js';

test('a leader whose lease lapses (etcd stopped) steps down; the follower leads once etcd is back', async (t) => {
  const cluster = await startCluster({ controllers: 2, leaseTtl: 2 });
  t.after(() => cluster.stop());
  const first = await cluster.leader();
  const other = cluster.controllers.find((c) => c !== first)!;
  const created = await cluster.json<{ id: string }>(['env', 'create', 'quick']);
  for (const transition of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) {
    const r = await cluster.cli(['env', 'control', created.id, transition]);
    assert.equal(r.code, 0, `${transition}: ${r.stderr}`);
  }
  const before = await cluster.json<EnvDoc>(['env', 'show', created.id]);

  cluster.etcd.pause();
  let resumed = false;
  t.after(() => {
    if (!resumed) cluster.etcd.resume();
  });
  await waitUntil(() => first.exited(), 30_000, 'the leader stepping down');
  assert.equal(first.exitCode(), 3);
  assert.match(first.output(), /stepping down/);
  assert.ok(!other.leading(), 'nobody leads while etcd is unreachable');
  assert.ok(
    before.tasks.every((x) => alive(x.pid)),
    'the tasks run on without a controller',
  );

  cluster.etcd.resume();
  resumed = true;
  const second = await cluster.leader(30_000);
  assert.equal(second, other);
  const after = await waitUntil(
    async () => {
      const e = await cluster.json<EnvDoc>(['env', 'show', created.id]).catch(() => null);
      return e?.tasks.every((x) => x.state === 'RUNNING' && !x.lost) ? e : null;
    },
    30_000,
    'the tasks RUNNING under the new leader',
  );
  assert.equal(after.runNumber, before.runNumber);
  assert.deepEqual(
    after.tasks.map((x) => x.pid),
    before.tasks.map((x) => x.pid),
  );
});
