// A follower refuses every call, mutating or not, with NOT_LEADER naming the leader, and changes
// nothing; the CLI given the follower and the leader goes to the leader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitUntil } from './cluster.js';

test('a follower refuses with NOT_LEADER naming the leader; a client given every address follows', async (t) => {
  const cluster = await startCluster({ controllers: 2, agents: 1 });
  t.after(() => cluster.stop());
  const leader = await cluster.leader();
  const follower = cluster.controllers.find((c) => c !== leader)!;
  // the follower has read who leads
  await waitUntil(async () => (await cluster.cli(['env', 'list'], follower.address)).stderr.includes(leader.address), 10_000, 'the follower naming the leader');

  const refused = await cluster.cli(['env', 'create', 'quick'], follower.address);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /NOT_LEADER/);
  assert.ok(refused.stderr.includes(`the leader is ${leader.address}`), refused.stderr);
  const listed = await cluster.cli(['env', 'list', '--json'], leader.address);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(JSON.parse(listed.stdout), [], 'the refused create changed nothing');

  // a stream (a transition) is refused the same way
  const stream = await cluster.cli(['env', 'control', 'env-nope', 'DEPLOY'], follower.address);
  assert.equal(stream.code, 1);
  assert.match(stream.stderr, /NOT_LEADER/);

  // the follower first: the client goes to the leader it names
  const followed = await cluster.cli(['env', 'create', 'quick', '--json'], `${follower.address},${leader.address}`);
  assert.equal(followed.code, 0, followed.stderr);
  const id = (JSON.parse(followed.stdout) as { id: string }).id;
  const after = await cluster.cli(['env', 'list', '--json'], leader.address);
  assert.deepEqual(
    (JSON.parse(after.stdout) as { id: string }[]).map((e) => e.id),
    [id],
  );
});
