// The Python task SDK under a real agent driven by a test controller: the conformance task is
// launched, taken through its state machine (arguments, run number, its event), fails where told,
// lingers after EXIT within its control-exit grace and leaves 0, and is adopted again by a
// restarted agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startAgent } from '../../../core/agent/main.js';
import type { LaunchSpec } from '../../../core/rpc/gen/agent.js';
import { groupLiving, pidAlive, readLogs, setup, spec, startTestAgent, TestController } from '../agent/harness.js';
import { findPython, PYTHON_CONFORMANCE_TASK } from '../../support/python.js';

function pythonTask(taskId: string, env: Record<string, string> = {}, extra: Partial<LaunchSpec> = {}): LaunchSpec {
  return spec({ taskId, command: findPython(), args: [PYTHON_CONFORMANCE_TASK], env, ...extra });
}

test('Python SDK under an agent: CONFIGURE, START, STOP, RESET, CONFIGURE, EXIT with arguments, run number and event', async (t) => {
  const { ctl, logs } = await setup(t);
  const [launched] = await ctl.launch([pythonTask('env-test/py')]);
  assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
  assert.equal(launched!.state, 'STANDBY');
  const steps: Array<[string, string, Record<string, string>?]> = [
    ['CONFIGURE', 'CONFIGURED', { gain: '3', beam: 'on' }],
    ['START', 'RUNNING', { run_number: '7' }],
    ['STOP', 'CONFIGURED'],
    ['RESET', 'STANDBY'],
    ['CONFIGURE', 'CONFIGURED'],
    ['EXIT', 'DONE'],
  ];
  for (const [event, state, args] of steps) {
    const [u] = await ctl.transition(event, [{ taskId: 'env-test/py', args }]);
    assert.equal(u!.ok, true, `${event}: ${JSON.stringify(u!.error)}`);
    assert.equal(u!.state, state, event);
  }
  const event = ctl.updates.find((u) => u.kind === 'event');
  assert.deepEqual([event?.eventKind, event?.message], ['conformance', 'run 7']);
  const exit = await ctl.exited('env-test/py');
  assert.equal(exit.exit!.code, 0);
  assert.equal(exit.state, 'DONE');
  assert.equal(pidAlive(launched!.pid), false);
  const lines = await readLogs(logs, { taskId: 'env-test/py' });
  for (const line of ['conformance: arg beam=on', 'conformance: arg gain=3', 'conformance: run_number=7', 'conformance: got EXIT', 'conformance: leaving']) {
    assert.ok(lines.includes(line), `${line} in\n${lines.join('\n')}`);
  }
  assert.ok(lines.indexOf('conformance: arg beam=on') < lines.indexOf('conformance: arg gain=3'), 'arguments sorted by key');
});

test('Python SDK under an agent: a failing handler is TASK_FAILED with its words, the task in ERROR; EXIT still leaves 0', async (t) => {
  const { ctl } = await setup(t);
  await ctl.launch([pythonTask('env-test/failing', { CONFORMANCE_FAIL: 'START' })]);
  const [c] = await ctl.transition('CONFIGURE', [{ taskId: 'env-test/failing' }]);
  assert.equal(c!.state, 'CONFIGURED');
  const [s] = await ctl.transition('START', [{ taskId: 'env-test/failing', args: { run_number: '1' } }]);
  assert.equal(s!.ok, false);
  assert.equal(s!.state, 'ERROR');
  assert.equal(s!.error!.code, 'TASK_FAILED');
  assert.match(s!.error!.message, /asked to fail START/);
  const [x] = await ctl.transition('EXIT', [{ taskId: 'env-test/failing' }]);
  assert.equal(x!.state, 'DONE');
  assert.equal((await ctl.exited('env-test/failing')).exit!.code, 0);
});

test('Python SDK under an agent: after EXIT the program works on within its grace, is not signalled, and leaves 0', async (t) => {
  const { ctl, logs } = await setup(t);
  const [l] = await ctl.launch([pythonTask('env-test/slow', { CONFORMANCE_LINGER_MS: '3000' }, { controlExitMs: 10_000 })]);
  const [x] = await ctl.transition('EXIT', [{ taskId: 'env-test/slow' }]);
  assert.equal(x!.state, 'DONE');
  assert.ok(pidAlive(l!.pid), 'still working after its EXIT reply');
  const exit = await ctl.exited('env-test/slow', 15_000);
  assert.deepEqual([exit.exit!.code, exit.exit!.signal], [0, '']);
  const lines = await readLogs(logs, { taskId: 'env-test/slow' });
  assert.deepEqual(lines.slice(-2), ['conformance: got EXIT', 'conformance: leaving']);
});

test('Python SDK under an agent: a restarted agent adopts the task, which says hello with its state and goes on', async (t) => {
  const first = await startTestAgent();
  let agent = first.agent;
  let ctl = await TestController.open(agent.address);
  t.after(async () => {
    ctl.close();
    await agent.stop();
    fs.rmSync(first.home, { recursive: true, force: true });
  });
  const [l] = await ctl.launch([pythonTask('env-test/keeper')]);
  await ctl.transition('CONFIGURE', [{ taskId: 'env-test/keeper' }]);
  ctl.close();
  await agent.stop({ killTasks: false });
  assert.ok(pidAlive(l!.pid), 'the task outlives its agent');
  agent = await startAgent(first.opts);
  ctl = await TestController.open(agent.address);
  assert.equal(ctl.hello!.tasks.find((x) => x.taskId === 'env-test/keeper')?.state, 'CONFIGURED');
  const [s] = await ctl.transition('START', [{ taskId: 'env-test/keeper', args: { run_number: '2' } }]);
  assert.equal(s!.ok, true, JSON.stringify(s!.error));
  assert.equal(s!.state, 'RUNNING');
  const [x] = await ctl.transition('EXIT', [{ taskId: 'env-test/keeper' }]);
  assert.equal(x!.state, 'DONE');
  await ctl.exited('env-test/keeper');
  assert.deepEqual(groupLiving(l!.pid), [], "gone (no longer the agent's child: a zombie until init reaps it)");
});
