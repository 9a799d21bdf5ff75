// A few thousand sim tasks on sim agents through a whole cycle, with the shipped sim-farm
// workflow. Durations are printed (diagnostics), never asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, control, createEnv, getEnv, startStack, subscribe, waitFor } from './harness.js';
import type { Environment } from '../../../core/rpc/gen/control.js';

const TASKS = 3000;
const AGENTS = 10;

test(`sim-farm: ${TASKS} sim tasks on ${AGENTS} sim agents through a cycle`, async (t) => {
  const stack = await startStack({ simAgents: AGENTS });
  t.after(() => stack.stop());
  const c = stack.client;
  const events = subscribe(c, { kinds: ['env.transition'] });
  const times: Record<string, number> = {};
  let t0 = Date.now();
  const env = await createEnv(c, 'sim-farm', { tasks: String(TASKS) });
  times.create = Date.now() - t0;
  assert.equal(env.tasks.length, TASKS);
  const perNode = new Map<string, number>();
  for (const x of env.tasks) perNode.set(x.node, (perNode.get(x.node) ?? 0) + 1);
  assert.equal(perNode.size, AGENTS, 'spread over every agent');
  assert.ok(Math.max(...perNode.values()) - Math.min(...perNode.values()) <= 1, 'least-loaded spreading is even');

  let runNumber = 0;
  for (const tr of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'RESET', 'EXIT']) {
    t0 = Date.now();
    const msgs = await control(c, env.id, tr, 60_000);
    const final = msgs[msgs.length - 1]!;
    assert.ok(final.final && final.ok, `${tr}: ${JSON.stringify(final.error)}`);
    times[tr] = Date.now() - t0;
    assert.equal(final.total, TASKS, `${tr} acted on every task`);
    assert.equal(final.done, TASKS, `every task reached the state of ${tr}`);
    assert.ok(
      msgs.some((m) => !m.final && m.total > 0),
      `${tr} streamed progress (done/total)`,
    );
    if (tr === 'START_ACTIVITY') {
      runNumber = final.runNumber!;
      const e: Environment = await getEnv(c, env.id, false, true);
      assert.equal(e.counts?.byState.RUNNING, TASKS);
      assert.equal(e.root?.state, 'RUNNING');
    }
  }
  assert.ok(runNumber > 0);
  const e = await getEnv(c, env.id, false);
  assert.equal(e.state, 'DONE');
  assert.equal(e.counts?.byState.DONE, TASKS);
  const info = await call<unknown, { nodesUp: number }>(c, 'getInfo', {});
  assert.equal(info.nodesUp, AGENTS);
  await waitFor(() => events.events.filter((x) => x.envId === env.id && x.data.phase === 'end').length === 6, 5000, 'six transition end events');
  events.stop();
  console.log(`# sim cycle ${TASKS} tasks / ${AGENTS} agents (ms): ${JSON.stringify(times)}`);
});
