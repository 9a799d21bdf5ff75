// A restarted agent's Hello says where its adopted controlled tasks are, not where tasks.json last
// saw them: a controlled task's replies are not written there (cpu), so the file may hold a state
// the task has left; the agent waits (bounded) for the tasks' re-dial hellos before its own Hello.
// Before, the Hello said STANDBY for a CONFIGURED task until the task re-dialled, and a controller
// acting on it (RECOVER after the node came back) sent a transition the task refused (found by
// the chaos suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent } from '../../../core/agent/main.js';
import { demo, killGroupsAfter, sleep, TestController } from './harness.js';
import { agentProcess } from './agent-process.js';

test('the Hello of a restarted agent carries the state its adopted task reached, not the stale file', async (t) => {
  const { opts, proc, address } = await agentProcess(t);
  let pid = 0;
  killGroupsAfter(t, () => [pid]);
  const first = await TestController.open(address);
  const [launched] = await first.launch([demo('env-test/moved')]);
  pid = launched!.pid;
  const [configured] = await first.transition('CONFIGURE', [{ taskId: 'env-test/moved' }]);
  assert.equal(configured!.state, 'CONFIGURED');
  await sleep(300);
  first.close();
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
  const saved = JSON.parse(fs.readFileSync(path.join(opts.home, 'agents', opts.name, 'tasks.json'), 'utf8')) as { tasks: { id: string; state: string }[] };
  assert.equal(saved.tasks.find((x) => x.id === 'env-test/moved')?.state, 'STANDBY', 'the file holds the state before CONFIGURE');

  const agent = await startAgent(opts);
  t.after(() => agent.stop());
  const next = await TestController.open(agent.address);
  t.after(() => next.close());
  assert.equal(next.hello?.tasks.find((x) => x.taskId === 'env-test/moved')?.state, 'CONFIGURED');
});
