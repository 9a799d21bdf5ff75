// The event stream: stored with a seq, replayed from from_seq then followed live, filtered by
// environment and kind prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createEnv, mustControl, startStack, subscribe, waitFor } from './harness.js';
import type { Info } from '../../../core/rpc/gen/control.js';

test('Subscribe replays after from_seq, then follows live, per environment and kind', async (t) => {
  const stack = await startStack({ realAgents: 1 });
  t.after(() => stack.stop());
  const c = stack.client;
  const a = await createEnv(c, 'quick');
  const b = await createEnv(c, 'quick');
  await mustControl(c, a.id, 'DEPLOY');

  const all = subscribe(c, { replayAll: true, envId: a.id, kinds: ['env.'] });
  await waitFor(() => all.events.some((e) => e.kind === 'env.state' && e.state === 'DEPLOYED'), 5000, 'replayed env.state DEPLOYED');
  assert.ok(
    all.events.every((e) => e.envId === a.id && e.kind.startsWith('env.')),
    'filtered by env and kind',
  );
  assert.equal(all.events[0]!.kind, 'env.created');
  const seqs = all.events.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((x, y) => x - y),
    'in seq order',
  );
  const mark = (await call<unknown, Info>(c, 'getInfo', {})).lastEventSeq;

  await mustControl(c, a.id, 'CONFIGURE');
  await mustControl(c, b.id, 'DEPLOY');
  // the live subscriber sees the new events once, in order, after the replayed ones
  await waitFor(() => all.events.some((e) => e.kind === 'env.state' && e.state === 'CONFIGURED'), 5000, 'live env.state CONFIGURED');
  const live = all.events.map((e) => e.seq);
  assert.equal(new Set(live).size, live.length, 'no event twice');
  assert.deepEqual(
    live,
    [...live].sort((x, y) => x - y),
  );
  assert.ok(!all.events.some((e) => e.envId === b.id));

  // resume from a seq: only what came after it
  const resumed = subscribe(c, { fromSeq: mark, envId: a.id });
  await waitFor(() => resumed.events.some((e) => e.kind === 'env.state' && e.state === 'CONFIGURED'), 5000, 'resumed stream');
  assert.ok(resumed.events.every((e) => e.seq > mark));
  assert.ok(
    resumed.events.some((e) => e.kind === 'task.state'),
    'task events of a small environment are per task',
  );
  assert.ok(!resumed.events.some((e) => e.kind === 'env.state' && e.state === 'DEPLOYED'));
  all.stop();
  resumed.stop();
});
