// kill -9 of the agent process: its tasks keep running in their own process groups, and the next
// agent adopts them (they are no longer its children) and controls them again; if no agent comes
// back within the orphan grace, they leave by themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentProcess } from './agent-process.js';
import { startAgent } from '../../../core/agent/main.js';
import { processAlive, readProcStat } from '../../../core/agent/process/proc.js';
import { demo, groupLiving, pidAlive, sleep, TestController } from './harness.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-main.js');

test('after kill -9 of the agent a new agent adopts the task, controls it, and kills it on stop', async (t) => {
  const { opts, proc, address } = await agentProcess(t);
  const ctl = await TestController.open(address);
  const [l] = await ctl.launch([demo('env-test/survivor')]);
  const pid = l!.pid;
  const parent = readProcStat(pid)!.ppid; // the agent's spawn helper, when it was built; else the agent
  await ctl.transition('CONFIGURE', [{ taskId: 'env-test/survivor' }]);
  ctl.close();
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
  assert.ok(pidAlive(pid), 'the task survives its agent');
  if (parent !== proc.pid) {
    for (let i = 0; i < 50 && processAlive(parent); i++) await sleep(20);
    assert.ok(!processAlive(parent), 'the spawn helper does not outlive its agent');
  }

  const agent = await startAgent(opts);
  const ctl2 = await TestController.open(agent.address);
  assert.equal(ctl2.hello!.tasks[0]?.taskId, 'env-test/survivor');
  const [s] = await ctl2.transition('START', [{ taskId: 'env-test/survivor', args: { run_number: '3' } }]);
  assert.equal(s!.state, 'RUNNING', JSON.stringify(s!.error));
  await agent.stop(); // kills its tasks gracefully (EXIT over control first)
  const ex = await ctl2.exited('env-test/survivor');
  assert.equal(ex.state, 'DONE', 'an acknowledged EXIT counts as DONE even without an exit code');
  ctl2.close();
  assert.deepEqual(groupLiving(pid), []);
});

test('a task whose agent is killed -9 and never restarted leaves after the orphan grace; its log says why', async (t) => {
  const { proc, address } = await agentProcess(t, { orphanGraceMs: 1500 });
  const ctl = await TestController.open(address);
  const [l] = await ctl.launch([demo('env-test/orphan')]);
  await ctl.transition('CONFIGURE', [{ taskId: 'env-test/orphan' }]);
  ctl.close();
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
  await sleep(1000);
  assert.ok(pidAlive(l!.pid), 'the task waits for a restarted agent within the grace');
  for (let i = 0; i < 100 && pidAlive(l!.pid); i++) await sleep(50);
  assert.ok(!pidAlive(l!.pid), 'the task is gone 6 s after its agent, not left running as an orphan');
  assert.deepEqual(groupLiving(l!.pid), []);
  assert.match(
    fs.readFileSync(l!.logPath, 'utf8'),
    /no agent at unix:\/\/\S+ for \d+\.\d s \(BATON_ORPHAN_GRACE_MS 1500\); leaving rather than running on as an orphan/,
  );
});
