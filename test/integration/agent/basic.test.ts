// Basic tasks: plain programs; the agent answers their transitions and reports their exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, spec, pidAlive, groupLiving } from './harness.js';

const sh = (taskId: string, script: string) => spec({ taskId, control: 'basic', command: '/bin/sh', args: ['-c', script] });

test('a basic task that exits 0 is DONE, one that exits 3 is ERROR with its last lines', async (t) => {
  const { ctl } = await setup(t);
  const ups = await ctl.launch([sh('env-test/ok', 'echo fine; sleep 0.2; exit 0'), sh('env-test/bad', 'echo boom; sleep 0.2; exit 3')]);
  assert.deepEqual(ups.map((u) => u.kind).sort(), ['launched', 'launched']);
  assert.ok(ups.every((u) => u.state === 'STANDBY'));
  const ok = await ctl.exited('env-test/ok');
  assert.equal(ok.state, 'DONE');
  assert.equal(ok.exit!.code, 0);
  const bad = await ctl.exited('env-test/bad');
  assert.equal(bad.state, 'ERROR');
  assert.equal(bad.exit!.code, 3);
  assert.equal(bad.error!.code, 'TASK_FAILED');
  assert.equal(bad.error!.exitCode, 3);
  assert.equal(bad.error!.taskName, 'bad');
  assert.equal(bad.error!.node, 'n1');
  assert.deepEqual(bad.error!.lastLines, ['boom']);
});

test('a basic task follows the transitions and EXIT stops it (DONE, nothing left)', async (t) => {
  const { ctl } = await setup(t);
  const [l] = await ctl.launch([sh('env-test/sleeper', 'sleep 30 & wait')]);
  for (const [ev, st] of [
    ['CONFIGURE', 'CONFIGURED'],
    ['START', 'RUNNING'],
    ['STOP', 'CONFIGURED'],
  ] as const) {
    const [u] = await ctl.transition(ev, [{ taskId: 'env-test/sleeper' }]);
    assert.equal(u!.ok, true);
    assert.equal(u!.state, st);
  }
  const [x] = await ctl.transition('EXIT', [{ taskId: 'env-test/sleeper' }]);
  assert.equal(x!.ok, true);
  assert.equal(x!.state, 'DONE');
  // the answer carries the exit: it comes once the process is gone, and is the only update for it
  assert.equal(x!.exit?.exited, true);
  assert.equal(x!.exit?.signal, 'SIGTERM');
  assert.ok(!ctl.updates.some((u) => u.taskId === 'env-test/sleeper' && u.kind === 'exited'));
  assert.equal(pidAlive(l!.pid), false);
  assert.deepEqual(groupLiving(l!.pid), []); // the whole group is gone
});

test('the task environment carries the Baton variables and the binds get addresses', async (t) => {
  const { ctl, logs } = await setup(t);
  const [u] = await ctl.launch([
    {
      ...sh('env-test/envy', 'echo "id=$BATON_TASK_ID name=$BATON_TASK_NAME env=$BATON_ENV_ID node=$BATON_NODE ctl=${BATON_CONTROL:-none} x=$X"; sleep 0.1'),
      env: { X: 'y' },
      binds: [
        { name: 'out', type: 'push', transport: 'tcp' },
        { name: 'ipc', type: 'push', transport: 'unix' },
      ],
    },
  ]);
  assert.match(u!.addresses.out!, /^tcp:\/\/127\.0\.0\.1:31\d\d\d$/);
  assert.equal(u!.ports.out, Number(u!.addresses.out!.split(':').pop()));
  assert.match(u!.addresses.ipc!, /^unix:\/\/\/.*\.ipc\.sock$/);
  await ctl.exited('env-test/envy');
  const { readLogs } = await import('./harness.js');
  const lines = await readLogs(logs, { taskId: 'env-test/envy' });
  assert.deepEqual(lines, ['id=env-test/envy name=envy env=env-test node=n1 ctl=none x=y']);
});
