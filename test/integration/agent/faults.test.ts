// Faults: kill -9, graded kills, missing commands, tasks that never answer or crash mid-transition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demo, setup, spec, pidAlive, sleep, groupLiving } from './harness.js';

test('kill -9 of a task: an exited update with SIGKILL and its last lines', async (t) => {
  const { ctl } = await setup(t);
  const [l] = await ctl.launch([demo('env-test/victim')]);
  await ctl.transition('CONFIGURE', [{ taskId: 'env-test/victim' }]);
  process.kill(l!.pid, 'SIGKILL');
  const ex = await ctl.exited('env-test/victim');
  assert.equal(ex.state, 'ERROR');
  assert.equal(ex.exit!.signal, 'SIGKILL');
  assert.equal(ex.exit!.code, -1);
  assert.equal(ex.batchId, 0);
  assert.equal(ex.error!.code, 'TASK_FAILED');
  assert.equal(ex.error!.signal, 'SIGKILL');
  assert.ok(ex.error!.lastLines.includes('victim: CONFIGURE done'), ex.error!.lastLines.join('|'));
  // a transition to the dead task names the crash
  const [u] = await ctl.transition('START', [{ taskId: 'env-test/victim' }]);
  assert.equal(u!.ok, false);
  assert.equal(u!.error!.code, 'TASK_FAILED');
});

test('a graded kill of a task that ignores SIGTERM leaves no process of its group', async (t) => {
  const { ctl } = await setup(t);
  const script = "trap '' TERM; sleep 60 & sleep 60 & echo started; wait";
  const [l] = await ctl.launch([spec({ taskId: 'env-test/stubborn', control: 'basic', command: '/bin/sh', args: ['-c', script], termMs: 300 })]);
  await sleep(200);
  const ups = await ctl.kill(['env-test/stubborn'], true);
  const ex = ups.find((u) => u.kind === 'exited')!;
  assert.ok(ex, 'the exit answers the kill batch');
  assert.equal(ex.exit!.signal, 'SIGKILL');
  assert.equal(ex.error!.data.killed, 'true');
  assert.deepEqual(groupLiving(l!.pid), [], 'no process of the group is left');
});

test('a graded kill of a controlled task asks it to EXIT first (exit 0, DONE)', async (t) => {
  const { ctl } = await setup(t);
  const [l] = await ctl.launch([demo('env-test/polite')]);
  const ups = await ctl.kill(['env-test/polite'], true);
  const ex = ups.find((u) => u.kind === 'exited')!;
  assert.equal(ex.exit!.code, 0);
  assert.equal(ex.state, 'DONE');
  assert.equal(pidAlive(l!.pid), false);
});

test('an immediate kill is SIGKILL to the group', async (t) => {
  const { ctl } = await setup(t);
  const [l] = await ctl.launch([demo('env-test/quick')]);
  const ups = await ctl.kill(['env-test/quick'], false);
  assert.equal(ups.find((u) => u.kind === 'exited')!.exit!.signal, 'SIGKILL');
  assert.deepEqual(groupLiving(l!.pid), []);
});

test('a missing command fails its launch with a structured error', async (t) => {
  const { ctl } = await setup(t);
  const [u] = await ctl.launch([spec({ taskId: 'env-test/ghost', command: '/no/such/program', control: 'basic' })]);
  assert.equal(u!.kind, 'failed');
  assert.equal(u!.ok, false);
  assert.equal(u!.error!.code, 'TASK_FAILED');
  assert.equal(u!.error!.taskName, 'ghost');
  assert.equal(u!.error!.node, 'n1');
  assert.equal(u!.error!.data.errno, 'ENOENT');
  assert.match(u!.error!.message, /\/no\/such\/program: command not found/);
});

test('a controlled task that never says hello is killed at the launch deadline (TIMEOUT)', async (t) => {
  const { ctl } = await setup(t);
  const [u] = await ctl.launch([spec({ taskId: 'env-test/mute', command: '/bin/sh', args: ['-c', 'echo waiting; sleep 60'] })], 500);
  assert.equal(u!.kind, 'failed');
  assert.equal(u!.error!.code, 'TIMEOUT');
  assert.equal(u!.error!.taskName, 'mute');
  assert.deepEqual(u!.error!.lastLines, ['waiting']);
  assert.deepEqual(groupLiving(u!.pid), []);
});

test('a controlled task that exits before hello fails its launch with its exit code', async (t) => {
  const { ctl } = await setup(t);
  const [u] = await ctl.launch([spec({ taskId: 'env-test/early', command: '/bin/sh', args: ['-c', 'echo oops >&2; exit 5'] })]);
  assert.equal(u!.kind, 'failed');
  assert.equal(u!.error!.code, 'TASK_FAILED');
  assert.equal(u!.error!.exitCode, 5);
  assert.deepEqual(u!.error!.lastLines, ['oops']);
});

test('a task that does not answer in time: TIMEOUT naming it, alive; one that crashes: TASK_FAILED', async (t) => {
  const { ctl } = await setup(t);
  await ctl.launch([demo('env-test/slow'), demo('env-test/crashy'), demo('env-test/fine')]);
  await ctl.transition('CONFIGURE', [
    { taskId: 'env-test/slow', args: { hang_on: 'START' } },
    { taskId: 'env-test/crashy', args: { crash_on: 'START' } },
    { taskId: 'env-test/fine' },
  ]);
  const ups = await ctl.transition(
    'START',
    ['slow', 'crashy', 'fine'].map((n) => ({ taskId: `env-test/${n}`, args: { run_number: '1' } })),
    1500,
  );
  const by = (n: string) => ups.find((u) => u.taskId === `env-test/${n}` && u.kind === 'state')!;
  assert.equal(by('fine').ok, true);
  assert.equal(by('fine').state, 'RUNNING');
  const slow = by('slow');
  assert.equal(slow.ok, false);
  assert.equal(slow.error!.code, 'TIMEOUT');
  assert.equal(slow.error!.taskName, 'slow');
  assert.equal(slow.error!.data.alive, 'true');
  assert.equal(slow.error!.transition, 'START');
  const crashy = by('crashy');
  assert.equal(crashy.ok, false);
  assert.equal(crashy.error!.code, 'TASK_FAILED');
  assert.equal(crashy.error!.exitCode, 3);
  assert.ok(crashy.error!.lastLines.includes('crashy: crashing in START (crash_on)'));
});
