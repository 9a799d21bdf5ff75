// Adopt-or-reap: an agent stopped without killing its tasks, then restarted, lists them in its
// Hello and controls them again (the SDK re-dials the control socket and says hello).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent } from '../../../core/agent/main.js';
import { demo, startTestAgent, TestController, pidAlive, groupLiving } from './harness.js';

test('agent restart: the task is adopted, answers transitions, and its exit is still seen', async (t) => {
  const first = await startTestAgent();
  const home = first.home;
  let agent = first.agent;
  let ctl = await TestController.open(agent.address);
  t.after(async () => {
    ctl.close();
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const [l] = await ctl.launch([demo('env-test/keeper')]);
  const pid = l!.pid;
  const [c] = await ctl.transition('CONFIGURE', [{ taskId: 'env-test/keeper' }]);
  assert.equal(c!.state, 'CONFIGURED');
  ctl.close();
  await agent.stop({ killTasks: false });
  assert.ok(pidAlive(pid), 'the task outlives its agent');
  const saved = JSON.parse(fs.readFileSync(path.join(home, 'agents/n1/tasks.json'), 'utf8'));
  assert.equal(saved.tasks[0].pid, pid);

  agent = await startAgent(first.opts);
  ctl = await TestController.open(agent.address);
  const info = ctl.hello!.tasks.find((x) => x.taskId === 'env-test/keeper');
  assert.ok(info, 'Hello lists the adopted task');
  assert.equal(info!.pid, pid);
  assert.equal(info!.state, 'CONFIGURED');

  const [s] = await ctl.transition('START', [{ taskId: 'env-test/keeper', args: { run_number: '2' } }]);
  assert.equal(s!.ok, true, JSON.stringify(s!.error));
  assert.equal(s!.state, 'RUNNING');

  // no longer our child: the exit is found by polling
  process.kill(pid, 'SIGKILL');
  const ex = await ctl.exited('env-test/keeper');
  assert.equal(ex.state, 'ERROR');
  assert.deepEqual(groupLiving(pid), []);
});

test('agent restart: dead tasks in tasks.json are forgotten', async (t) => {
  const first = await startTestAgent();
  const ctl = await TestController.open(first.agent.address);
  const [l] = await ctl.launch([demo('env-test/gone')]);
  ctl.close();
  await first.agent.stop({ killTasks: false });
  process.kill(-l!.pid, 'SIGKILL');
  while (pidAlive(l!.pid)) await new Promise((r) => setTimeout(r, 20));
  const agent = await startAgent(first.opts);
  const ctl2 = await TestController.open(agent.address);
  t.after(async () => {
    ctl2.close();
    await agent.stop();
    fs.rmSync(first.home, { recursive: true, force: true });
  });
  assert.deepEqual(ctl2.hello!.tasks, []);
});

test('a ReapBatch kills and forgets a task', async (t) => {
  const first = await startTestAgent();
  const ctl = await TestController.open(first.agent.address);
  t.after(async () => {
    ctl.close();
    await first.agent.stop();
    fs.rmSync(first.home, { recursive: true, force: true });
  });
  const [l] = await ctl.launch([demo('env-test/orphan')]);
  ctl.send({ msg: { $case: 'reap', reap: { taskIds: ['env-test/orphan'] } } });
  const deadline = Date.now() + 10_000;
  while (groupLiving(l!.pid).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(groupLiving(l!.pid), []);
  const [u] = await ctl.transition('CONFIGURE', [{ taskId: 'env-test/orphan' }]);
  assert.equal(u!.error!.code, 'NOT_FOUND');
});
