// Every SDK's conformance task program, driven by a real agent through the whole cycle, a failing
// handler, and an EXIT it answers, half-closes and lingers after (docs/tasks.md; CONFORMANCE.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from '../agent/harness.js';
import { conformanceSpec, logLines, selectedSdks } from './harness.js';

for (const sdk of selectedSdks()) {
  test(`${sdk}: DEPLOY, CONFIGURE, START, STOP, RESET, EXIT; each reply in the target state; exit 0`, async (t) => {
    const { ctl } = await setup(t);
    const id = `env-test/${sdk}-cycle`;
    const [launched] = await ctl.launch([conformanceSpec(sdk, id)]);
    assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
    assert.equal(launched!.state, 'STANDBY');
    const log = launched!.logPath;

    const steps: Array<[string, string, Record<string, string>]> = [
      ['CONFIGURE', 'CONFIGURED', { zeta: 'last', alpha: 'first', env_id: 'env-test' }],
      ['START', 'RUNNING', { run_number: '42' }],
      ['STOP', 'CONFIGURED', {}],
      ['RESET', 'STANDBY', {}],
      ['EXIT', 'DONE', {}],
    ];
    for (const [event, target, args] of steps) {
      const [u] = await ctl.transition(event, [{ taskId: id, args }]);
      assert.equal(u!.ok, true, `${event}: ${JSON.stringify(u!.error)}`);
      assert.equal(u!.state, target, event);
      assert.ok(logLines(log).includes(`conformance: got ${event}`), `${event} printed before its reply:\n${logLines(log).join('\n')}`);
    }
    const exit = await ctl.exited(id);
    assert.equal(exit.state, 'DONE');
    assert.deepEqual([exit.exit!.code, exit.exit!.signal], [0, '']);

    const lines = logLines(log);
    const args = lines.filter((l) => l.startsWith('conformance: arg '));
    assert.deepEqual(
      args,
      ['conformance: arg alpha=first', 'conformance: arg env_id=env-test', 'conformance: arg zeta=last'],
      'CONFIGURE prints its arguments sorted by key',
    );
    assert.ok(lines.includes('conformance: run_number=42'), lines.join('\n'));
    const event = ctl.updates.find((u) => u.taskId === id && u.kind === 'event');
    assert.ok(event, 'the task event sent at START reaches the controller');
    assert.equal(event.eventKind, 'conformance');
    assert.equal(event.message, 'run 42');
  });

  test(`${sdk}: a failing handler is TASK_FAILED with its words and leaves the task in ERROR; EXIT still works`, async (t) => {
    const { ctl } = await setup(t);
    const id = `env-test/${sdk}-fail`;
    const [launched] = await ctl.launch([conformanceSpec(sdk, id, { env: { CONFORMANCE_FAIL: 'CONFIGURE' } })]);
    assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
    const [u] = await ctl.transition('CONFIGURE', [{ taskId: id }]);
    assert.equal(u!.ok, false);
    assert.equal(u!.state, 'ERROR');
    assert.equal(u!.error!.code, 'TASK_FAILED');
    assert.match(u!.error!.message, /asked to fail CONFIGURE/);
    assert.equal(u!.error!.taskName, `${sdk}-fail`);
    const [e] = await ctl.transition('EXIT', [{ taskId: id }]);
    assert.equal(e!.state, 'DONE', JSON.stringify(e!.error));
    assert.equal((await ctl.exited(id)).exit!.code, 0);
  });

  test(`${sdk}: after its EXIT reply the task half-closes and lingers within control_exit: not signalled, DONE with exit 0`, async (t) => {
    const { ctl } = await setup(t);
    const id = `env-test/${sdk}-linger`;
    const [launched] = await ctl.launch([conformanceSpec(sdk, id, { controlExitMs: 5000, env: { CONFORMANCE_LINGER_MS: '1500' } })]);
    assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
    await ctl.transition('CONFIGURE', [{ taskId: id }]);
    const [e] = await ctl.transition('EXIT', [{ taskId: id }]);
    assert.equal(e!.ok, true, JSON.stringify(e!.error));
    assert.equal(e!.state, 'DONE');
    // what an environment's EXIT does next: a graded kill of whatever still runs
    await ctl.kill([id], true);
    const exit = await ctl.exited(id);
    assert.equal(exit.state, 'DONE');
    assert.deepEqual([exit.exit!.code, exit.exit!.signal], [0, ''], 'the task left by itself, within its grace');
    const lines = logLines(launched!.logPath);
    assert.ok(lines.includes('conformance: leaving'), lines.join('\n'));
    assert.equal(lines.filter((l) => l === 'conformance: got EXIT').length, 1, 'one EXIT, not a second from the kill');
  });
}
