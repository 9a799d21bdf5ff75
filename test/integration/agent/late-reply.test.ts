// An agent killed -9 while a task is in its transition handler: the task re-dials the next agent
// and says hello with the state it is still in; when its handler ends, its reply answers a
// transition the new agent never sent. That reply is the only news that the task moved, and the
// agent now takes it (a state update to the controller). Before, it was dropped: agent and
// controller kept the old state, and RECOVER later sent RESET to a task already in STANDBY, which
// refused it (found by the chaos suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent } from '../../../core/agent/main.js';
import { demo, killGroupsAfter, sleep, TestController } from './harness.js';
import { agentProcess } from './agent-process.js';

test('the answer to a transition of a killed agent reaches the next agent as the task state', async (t) => {
  const { opts, proc, address } = await agentProcess(t);
  let pid = 0;
  killGroupsAfter(t, () => [pid]);
  const first = await TestController.open(address);
  const [launched] = await first.launch([demo('env-test/late')]);
  pid = launched!.pid;
  // CONFIGURE takes 5 s in the task: the agent is killed in the middle of it
  first.send({
    msg: {
      $case: 'transition',
      transition: { batchId: 99, event: 'CONFIGURE', deadlineMs: 30_000, items: [{ taskId: 'env-test/late', args: { delay_ms: '5000' } }] },
    },
  });
  await sleep(500);
  first.close();
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));

  const agent = await startAgent(opts);
  t.after(() => agent.stop());
  const next = await TestController.open(agent.address);
  t.after(() => next.close());
  await next.waitFor(
    () =>
      next.hello?.tasks.some((x) => x.taskId === 'env-test/late' && x.state === 'CONFIGURED') ||
      next.updates.some((u) => u.taskId === 'env-test/late' && u.kind === 'state' && u.state === 'CONFIGURED'),
    20_000,
    'the task reported CONFIGURED once its handler ended',
  );
  assert.equal(
    next.updates.find((u) => u.taskId === 'env-test/late' && u.kind === 'exited'),
    undefined,
    'the task did not exit',
  );
});
