// What the agent enforces of task.proto, seen with the reference program breaking the rules on
// purpose: a reply in the wrong state, a task that keeps its stream open after EXIT. And the
// event the protocol no longer has: RECOVER.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from '../agent/harness.js';
import { conformanceSpec, logLines } from './harness.js';

const exitsReceived = (log: string) => logLines(log).filter((l) => l === 'conformance: got EXIT').length;

test('a reply in another state than the target is TASK_FAILED naming both; the task is in ERROR and not skipped after', async (t) => {
  const { ctl } = await setup(t);
  const id = 'env-test/liar';
  const [launched] = await ctl.launch([conformanceSpec('reference', id, { env: { CONFORMANCE_WRONG_STATE: '1' } })]);
  assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
  const [c] = await ctl.transition('CONFIGURE', [{ taskId: id }]);
  assert.equal(c!.ok, false);
  assert.equal(c!.error!.code, 'TASK_FAILED');
  assert.match(c!.error!.message, /answered CONFIGURE ok with state RUNNING, but CONFIGURE leads to CONFIGURED/);
  assert.deepEqual([c!.error!.data.expected, c!.error!.data.received], ['CONFIGURED', 'RUNNING']);
  assert.equal(c!.state, 'ERROR', 'not RUNNING: a START would then count it as already done');

  // the next transition reaches the task (its own state machine is CONFIGURED: it lied in its reply only)
  const [s] = await ctl.transition('START', [{ taskId: id, args: { run_number: '1' } }]);
  assert.ok(logLines(launched!.logPath).includes('conformance: got START'), 'START was sent to the task');
  assert.equal(s!.ok, true, JSON.stringify(s!.error));
  assert.equal(s!.state, 'RUNNING');
});

test('a task that keeps its stream open after EXIT gets no second EXIT from a graded kill and is terminated after its grace', async (t) => {
  const { ctl } = await setup(t);
  const id = 'env-test/lingerer';
  const [launched] = await ctl.launch([conformanceSpec('reference', id, { controlExitMs: 1000, env: { CONFORMANCE_KEEP_OPEN: '1' } })]);
  assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
  const [e] = await ctl.transition('EXIT', [{ taskId: id }]);
  assert.equal(e!.state, 'DONE', JSON.stringify(e!.error));
  await ctl.kill([id], true); // as an environment's EXIT does after the EXIT transition
  const exit = await ctl.exited(id);
  assert.equal(exit.exit!.signal, 'SIGTERM', 'terminated once its grace was over');
  assert.equal(exit.state, 'DONE', 'it acknowledged EXIT: its exit counts as DONE');
  assert.equal(exitsReceived(launched!.logPath), 1);
});

test('a task that keeps its stream open after the EXIT of a graded kill is sent that one EXIT and terminated after its grace', async (t) => {
  const { ctl } = await setup(t);
  const id = 'env-test/stayer';
  const [launched] = await ctl.launch([conformanceSpec('reference', id, { controlExitMs: 1000, env: { CONFORMANCE_KEEP_OPEN: '1' } })]);
  assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
  await ctl.kill([id], true);
  const exit = await ctl.exited(id);
  assert.equal(exit.exit!.signal, 'SIGTERM');
  assert.equal(exit.state, 'DONE');
  assert.equal(exitsReceived(launched!.logPath), 1);
});

test('EXIT transitions alone: a second one is answered without asking the task; a task that stays is terminated after its grace', async (t) => {
  const { ctl } = await setup(t);
  const id = 'env-test/sitter';
  const [launched] = await ctl.launch([conformanceSpec('reference', id, { controlExitMs: 1000, env: { CONFORMANCE_KEEP_OPEN: '1' } })]);
  assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
  const [e] = await ctl.transition('EXIT', [{ taskId: id }]);
  assert.equal(e!.state, 'DONE', JSON.stringify(e!.error));
  const [again] = await ctl.transition('EXIT', [{ taskId: id }]); // e.g. an environment EXIT tried again
  assert.equal(again!.ok, true, JSON.stringify(again!.error));
  assert.equal(again!.state, 'DONE');
  const exit = await ctl.exited(id);
  assert.equal(exit.exit!.signal, 'SIGTERM');
  assert.equal(exit.state, 'DONE');
  assert.equal(exitsReceived(launched!.logPath), 1);
});

test('RECOVER is not a task event: the agent refuses it and says what recovers tasks instead', async (t) => {
  const { ctl } = await setup(t);
  const id = 'env-test/healthy';
  const [launched] = await ctl.launch([conformanceSpec('reference', id)]);
  const [r] = await ctl.transition('RECOVER', [{ taskId: id }]);
  assert.equal(r!.ok, false);
  assert.equal(r!.error!.code, 'BAD_INPUT');
  assert.match(r!.error!.message, /never sent RECOVER .*relaunches tasks in ERROR/);
  const [c] = await ctl.transition('CONFIGURE', [{ taskId: id }]);
  assert.equal(c!.state, 'CONFIGURED', 'the task is untouched');
  assert.ok(!logLines(launched!.logPath).includes('conformance: got RECOVER'));
});

test('a spontaneous INTERNAL_ERROR event puts the task in ERROR at once: the controller hears a state change, not only an event', async (t) => {
  const { ctl } = await setup(t);
  const id = 'env-test/breaker';
  const [launched] = await ctl.launch([conformanceSpec('reference', id, { env: { CONFORMANCE_INTERNAL_ERROR: 'the disk is full' } })]);
  assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
  assert.equal((await ctl.transition('CONFIGURE', [{ taskId: id }]))[0]!.ok, true);
  assert.equal((await ctl.transition('START', [{ taskId: id, args: { run_number: '7' } }]))[0]!.ok, true);
  const change = await ctl.waitFor(
    () => ctl.updates.find((u) => u.taskId === id && u.kind === 'state' && u.batchId === 0),
    10_000,
    'the spontaneous state change',
  );
  assert.equal(change.state, 'ERROR');
  assert.equal(change.ok, false);
  assert.equal(change.error!.code, 'TASK_FAILED');
  assert.match(change.error!.message, /reported an error: the disk is full/);
  assert.ok(
    ctl.updates.some((u) => u.taskId === id && u.kind === 'event' && u.eventKind === 'INTERNAL_ERROR'),
    'the event itself is passed on too',
  );
});
