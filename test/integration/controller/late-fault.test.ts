// A critical task that dies after every task has answered a transition, while its `after` hooks
// still run: the transition ends as it was (every task answered), and the death is then a fault of
// the state reached: the environment goes to ERROR naming the task. Before, the death was noted
// in the finished transition's context and never read: the environment stayed RUNNING with its
// critical task in ERROR while its other tasks ran on (found by the chaos suite: kill -9 of a task
// 348 ms into START_ACTIVITY).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { control, createEnv, getEnv, mustControl, startStack, tempHome, tempRepo, waitFor } from './harness.js';

const WORKFLOW = `
name: late-fault
roles:
  - name: sleeper
    task: {class: sleeper, critical: true}
  - name: other
    task: {class: sleeper, critical: true}
  - name: slow-after
    call: {func: exec, args: {command: "sleep 2"}, trigger: after_START_ACTIVITY, timeout: 10s, critical: false}
`;

test('a critical task killed -9 during the after-START hooks puts the environment in ERROR', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/late-fault.yaml': WORKFLOW });
  const stack = await startStack({ home, realAgents: 1 });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'late-fault', {}, repo);
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');

  const starting = control(c, env.id, 'START_ACTIVITY');
  // the task has answered (RUNNING) while the after hook (2 s) still holds the transition
  const running = await waitFor(
    async () => {
      const e = await getEnv(c, env.id);
      const task = e.tasks.find((x) => x.name === 'sleeper');
      return task?.state === 'RUNNING' && e.transition === 'START_ACTIVITY' && task;
    },
    10_000,
    'the task RUNNING inside START_ACTIVITY',
  );
  process.kill(running.pid, 'SIGKILL');
  const final = (await starting).at(-1)!;
  assert.equal(final.ok, true, 'every task had answered: the transition itself succeeded');

  const after = await waitFor(
    async () => {
      const e = await getEnv(c, env.id);
      return e.state === 'ERROR' && e;
    },
    5_000,
    'the environment in ERROR after its critical task died',
  );
  // the other task lives on: it is not the reconcile loop's "every task is gone" that decides
  assert.equal(after.error?.taskName, 'sleeper', `the error names the task: ${after.error?.message}`);
});
