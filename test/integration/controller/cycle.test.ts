// The full state machine on `quick` with a real controller, real agents and real task processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BatonError } from '../../../core/model/errors.js';
import { call, control, createEnv, getEnv, listTasks, mustControl, startStack, subscribe, waitFor, alive, type Stack } from './harness.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ realAgents: 2 });
});
after(async () => {
  await stack?.stop();
});

test('quick: DEPLOY, CONFIGURE, START, STOP, START (higher run), STOP, RESET, EXIT', async () => {
  const c = stack.client;
  const events = subscribe(c, { kinds: ['env.', 'run.'] });
  const env = await createEnv(c, 'quick');
  assert.equal(env.state, 'STANDBY');
  assert.equal(env.tasks.length, 3);
  assert.ok(
    env.tasks.every((t) => t.node.startsWith('node-')),
    'every task is placed',
  );

  const deployed = await mustControl(c, env.id, 'DEPLOY');
  assert.equal(deployed.state, 'DEPLOYED');
  const tasks = await listTasks(c, env.id);
  assert.ok(
    tasks.every((t) => t.state === 'STANDBY' && t.pid > 0 && alive(t.pid)),
    'tasks run as processes',
  );

  await mustControl(c, env.id, 'CONFIGURE');
  const r1 = await mustControl(c, env.id, 'START_ACTIVITY');
  assert.equal(r1.state, 'RUNNING');
  assert.ok(r1.runNumber && r1.runNumber > 0);
  let e = await getEnv(c, env.id, true, true);
  assert.equal(e.runNumber, r1.runNumber);
  assert.equal(e.root?.state, 'RUNNING', 'the role tree aggregates to RUNNING');
  assert.equal(e.counts?.byState.RUNNING, 3);

  await mustControl(c, env.id, 'STOP_ACTIVITY');
  const r2 = await mustControl(c, env.id, 'START_ACTIVITY');
  assert.ok(r2.runNumber! > r1.runNumber!, 'the second run has a higher number');
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await mustControl(c, env.id, 'RESET');
  e = await getEnv(c, env.id);
  assert.equal(e.state, 'DEPLOYED');
  assert.ok(e.tasks.every((t) => t.state === 'STANDBY'));

  const pids = e.tasks.map((t) => t.pid);
  const done = await mustControl(c, env.id, 'EXIT');
  assert.equal(done.state, 'DONE');
  await waitFor(() => pids.every((p) => !alive(p)), 10_000, 'task processes gone after EXIT');

  const runs = await call<unknown, { runs: { runNumber: number; state: string; stoppedMs: number }[] }>(c, 'listRuns', { envId: env.id, limit: 0 });
  assert.deepEqual(runs.runs.map((r) => r.runNumber).sort(), [r1.runNumber, r2.runNumber].sort());
  assert.ok(runs.runs.every((r) => r.state === 'closed' && r.stoppedMs > 0));

  await waitFor(() => events.events.some((x) => x.kind === 'env.state' && x.envId === env.id && x.state === 'DONE'), 5000, 'env.state DONE event');
  assert.ok(events.events.some((x) => x.kind === 'run.start' && x.runNumber === r2.runNumber));
  events.stop();
});

test('refusals name what and change nothing', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await assert.rejects(control(c, env.id, 'START_ACTIVITY'), (e: BatonError) => {
    assert.equal(e.code, 'TRANSITION_NOT_ALLOWED');
    assert.match(e.message, /START_ACTIVITY/);
    assert.match(e.message, /STANDBY/);
    assert.match(e.message, /DEPLOY/);
    return true;
  });
  await assert.rejects(control(c, 'env-nope', 'DEPLOY'), (e: BatonError) => e.code === 'NOT_FOUND' && /env-nope/.test(e.message));
  await assert.rejects(control(c, env.id, 'JUMP'), (e: BatonError) => e.code === 'BAD_INPUT' && /JUMP/.test(e.message));
  await assert.rejects(createEnv(c, 'no-such-workflow'), (e: BatonError) => e.code === 'NOT_FOUND' || e.code === 'BAD_INPUT');
  await assert.rejects(createEnv(c, 'quick', { nope: '1' }), (e: BatonError) => e.code === 'BAD_INPUT' && /nope/.test(e.message));
  // BUSY: a second transition while one runs
  const first = control(c, env.id, 'DEPLOY');
  await waitFor(async () => (await getEnv(c, env.id, false)).transition === 'DEPLOY', 5000, 'DEPLOY under way');
  await assert.rejects(control(c, env.id, 'EXIT'), (e: BatonError) => e.code === 'BUSY');
  const msgs = await first;
  assert.ok(msgs[msgs.length - 1]!.ok);
  assert.equal((await getEnv(c, env.id, false)).state, 'DEPLOYED');
  await call(c, 'destroyEnvironment', { id: env.id, force: false });
  await assert.rejects(getEnv(c, env.id), (e: BatonError) => e.code === 'NOT_FOUND');
});

test('a wrong token is refused', async () => {
  const { controlClient } = await import('./harness.js');
  const bad = controlClient(stack.ctl.address, 'wrong');
  await assert.rejects(call(bad, 'getInfo', {}), (e: BatonError) => e.code === 'UNAUTHENTICATED');
  bad.close();
});

test('a second controller on the same socket is refused', async () => {
  const { startController } = await import('../../../core/controller/main.js');
  await assert.rejects(
    startController({ ...stack.options, home: stack.home + '/other' }),
    (e: BatonError) => e.code === 'BAD_INPUT' && /already listening/.test(e.message),
  );
  assert.ok((await call<unknown, { controllerId: string }>(stack.client, 'getInfo', {})).controllerId, 'the first one still answers');
});
