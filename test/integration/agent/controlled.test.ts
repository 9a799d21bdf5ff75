// A controlled demo task taken through its whole state machine by a real agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { demo, readLogs, setup, pidAlive } from './harness.js';

test('a controlled task goes CONFIGURE, START, STOP, RESET, EXIT and leaves with exit 0', async (t) => {
  const { ctl, logs } = await setup(t);
  assert.equal(ctl.hello!.node, 'n1');
  assert.deepEqual(ctl.hello!.labels, { zone: 'test' });
  assert.equal(ctl.hello!.tasks.length, 0);

  const [launched] = await ctl.launch([demo('env-test/alpha')]);
  assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
  assert.equal(launched!.state, 'STANDBY');
  assert.ok(launched!.pid > 0);
  assert.ok(fs.existsSync(launched!.logPath));
  const pid = launched!.pid;

  const steps: Array<[string, string, Record<string, string>?]> = [
    ['CONFIGURE', 'CONFIGURED', { delay_ms: '10' }],
    ['START', 'RUNNING', { run_number: '7' }],
    ['STOP', 'CONFIGURED'],
    ['RESET', 'STANDBY'],
    ['CONFIGURE', 'CONFIGURED'],
    ['EXIT', 'DONE'],
  ];
  for (const [event, state, args] of steps) {
    const [u] = await ctl.transition(event, [{ taskId: 'env-test/alpha', args }]);
    assert.equal(u!.kind, 'state');
    assert.equal(u!.ok, true, `${event}: ${JSON.stringify(u!.error)}`);
    assert.equal(u!.state, state, event);
  }
  const exit = await ctl.exited('env-test/alpha');
  assert.equal(exit.exit!.code, 0);
  assert.equal(exit.state, 'DONE');
  assert.equal(pidAlive(pid), false);

  const lines = await readLogs(logs, { taskId: 'env-test/alpha' });
  assert.ok(lines.includes('alpha: CONFIGURE done'), lines.join('\n'));
  assert.ok(lines.includes('alpha: EXIT done'));
});

test('a transition the task does not allow from its state fails and changes nothing', async (t) => {
  const { ctl, logs } = await setup(t);
  await ctl.launch([demo('env-test/beta')]);
  const [u] = await ctl.transition('START', [{ taskId: 'env-test/beta' }]);
  assert.equal(u!.ok, false);
  assert.equal(u!.state, 'STANDBY');
  assert.equal(u!.error!.code, 'TASK_FAILED');
  assert.equal(u!.error!.taskName, 'beta');
  const [c] = await ctl.transition('CONFIGURE', [{ taskId: 'env-test/beta' }]);
  assert.equal(c!.state, 'CONFIGURED');
});

test("a handler that throws answers ok=false with state ERROR and the task's words", async (t) => {
  const { ctl, logs } = await setup(t);
  await ctl.launch([demo('env-test/gamma')]);
  const [u] = await ctl.transition('CONFIGURE', [{ taskId: 'env-test/gamma', args: { fail_on: 'CONFIGURE' } }]);
  assert.equal(u!.ok, false);
  assert.equal(u!.state, 'ERROR');
  assert.equal(u!.error!.code, 'TASK_FAILED');
  assert.match(u!.error!.message, /told to fail at CONFIGURE/);
  assert.ok(u!.error!.lastLines.some((l) => l.includes('failing CONFIGURE')));
});

test('unknown tasks and unknown events are answered, then BatchDone', async (t) => {
  const { ctl, logs } = await setup(t);
  const [u] = await ctl.transition('CONFIGURE', [{ taskId: 'env-x/nobody' }]);
  assert.equal(u!.ok, false);
  assert.equal(u!.error!.code, 'NOT_FOUND');
  const [v] = await ctl.transition('JUMP', [{ taskId: 'env-x/nobody' }]);
  assert.equal(v!.error!.code, 'BAD_INPUT');
});

test('task events reach the controller; stop() of the agent leaves no task behind', async (t) => {
  const { ctl, agent } = await setup(t);
  const [l] = await ctl.launch([demo('env-test/loud')]);
  await ctl.transition('CONFIGURE', [{ taskId: 'env-test/loud', args: { event_on: 'START' } }]);
  await ctl.transition('START', [{ taskId: 'env-test/loud', args: { run_number: '1' } }]);
  const ev = await ctl.waitFor(() => ctl.updates.find((u) => u.kind === 'event'), 5000, 'a task event');
  assert.equal(ev.eventKind, 'DEMO_EVENT');
  assert.equal(ev.message, 'loud reached START');
  await agent.stop();
  assert.equal(pidAlive(l!.pid), false);
});
