// A sim farm larger than a fan-out's yield step (20,000 tasks): the controller builds its
// messages in slices, with the agents' answers coming in between, and a transition still ends
// only once every task has answered. The create crosses from the workflow worker packed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { control, createEnv, getEnv, startStack } from './harness.js';

const TASKS = 45_000;
const AGENTS = 3;

test(`sim-farm: ${TASKS} sim tasks on ${AGENTS} agents reach every state of a cycle`, { timeout: 600_000 }, async (t) => {
  const stack = await startStack({ simAgents: AGENTS });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'sim-farm', { tasks: String(TASKS) });
  for (const tr of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'RESET', 'EXIT']) {
    const msgs = await control(c, env.id, tr, 300_000);
    const final = msgs[msgs.length - 1]!;
    assert.ok(final.final && final.ok, `${tr}: ${JSON.stringify(final.error)}`);
    assert.equal(final.total, TASKS, `${tr} acted on every task`);
    assert.equal(final.done, TASKS, `every task reached the state of ${tr}`);
    if (tr === 'START_ACTIVITY') {
      const e = await getEnv(c, env.id, false);
      assert.equal(e.state, 'RUNNING');
      assert.equal(e.counts?.byState.RUNNING, TASKS);
    }
  }
  assert.equal((await getEnv(c, env.id, false)).counts?.byState.DONE, TASKS);
});
