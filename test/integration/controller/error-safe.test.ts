// ERROR is safe: entering ERROR while RUNNING stops data taking. The tasks still running get STOP
// (and are CONFIGURED), the run is closed as aborted with the reason, and EXIT from ERROR kills
// whatever is left. Real agents, the daq-chain workflow and its real readout processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alive, call, control, createEnv, getEnv, mustControl, startStack, subscribe, waitFor, type Stack } from './harness.js';
import type { Environment, Run } from '../../../core/rpc/gen/control.js';
import { after, framesLines, logOf, sleep } from './daq-logs.js';

async function runningChain(stack: Stack): Promise<Environment> {
  const c = stack.client;
  const env = await createEnv(c, 'daq-chain', { readouts: '2', rate: '200', payload_bytes: '256', qc_enabled: 'false' });
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  await mustControl(c, env.id, 'START_ACTIVITY');
  // the readouts take data: their per-second line shows up in their logs
  return waitFor(
    async () => {
      const e = await getEnv(c, env.id);
      const readouts = e.tasks.filter((t) => t.name.startsWith('readout-'));
      return readouts.every((t) => framesLines(logOf(t)).length > 0) && e;
    },
    20_000,
    'the readouts to report frames',
  );
}

/** Every readout printed that its run stopped, and no frames line after that in a while (2.5 per-second ticks). */
async function assertDataTakingStopped(stack: Stack, envId: string): Promise<void> {
  const e = await waitFor(
    async () => {
      const x = await getEnv(stack.client, envId);
      return x.tasks.filter((t) => t.name.startsWith('readout-')).every((t) => /stopped after/.test(logOf(t))) && x;
    },
    20_000,
    'every readout to log that its run stopped',
  );
  await sleep(2500);
  for (const t of e.tasks.filter((x) => x.name.startsWith('readout-'))) {
    assert.deepEqual(framesLines(after(logOf(t), /stopped after[^\n]*/)), [], `${t.name} still takes data after ERROR`);
  }
}

async function runsOf(stack: Stack, envId: string): Promise<Run[]> {
  return (await call<unknown, { runs: Run[] }>(stack.client, 'listRuns', { envId, limit: 0 })).runs;
}

test('GO_ERROR while RUNNING stops data taking, aborts the run with its reason; EXIT from ERROR kills all', async (t) => {
  const stack = await startStack({ realAgents: 2, labels: { zone: 'upstream' } });
  t.after(() => stack.stop());
  const c = stack.client;
  const events = subscribe(c, { kinds: ['run.'] });
  t.after(() => events.stop());
  const env = await runningChain(stack);
  const run = env.runNumber!;
  const pids = env.tasks.map((x) => x.pid);

  const final = (await control(c, env.id, 'GO_ERROR', 30_000, { reason: 'shifter pressed the button' })).at(-1)!;
  assert.equal(final.state, 'ERROR');
  await assertDataTakingStopped(stack, env.id);

  const e = await getEnv(c, env.id);
  assert.equal(e.state, 'ERROR');
  assert.deepEqual(e.tasks.map((x) => `${x.name}:${x.state}`).sort(), e.tasks.map((x) => `${x.name}:CONFIGURED`).sort(), 'the live tasks are in a known state');
  const r = (await runsOf(stack, env.id)).find((x) => x.runNumber === run)!;
  assert.equal(r.state, 'aborted');
  const stop = await waitFor(() => events.events.find((x) => x.kind === 'run.stop' && x.runNumber === run), 5000, 'run.stop');
  assert.match(stop.message, /^aborted: GO_ERROR requested: shifter pressed the button/);
  assert.equal(stop.data.reason, stop.message);

  // from ERROR the operator may EXIT: what is left is killed, nothing stays behind
  await mustControl(c, env.id, 'EXIT', 60_000);
  const done = await getEnv(c, env.id);
  assert.equal(done.state, 'DONE');
  await waitFor(() => pids.every((p) => !alive(p)), 10_000, 'every task process to be gone');
});

test('a critical task crashing while RUNNING: the others get STOP and the run is aborted naming it', async (t) => {
  const stack = await startStack({ realAgents: 2, labels: { zone: 'upstream' } });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await runningChain(stack);
  const run = env.runNumber!;
  const builder = env.tasks.find((x) => x.name === 'builder')!;
  const events = subscribe(c, { kinds: ['run.'], envId: env.id });
  t.after(() => events.stop());

  process.kill(builder.pid, 'SIGKILL');
  await waitFor(async () => (await getEnv(c, env.id, false)).state === 'ERROR', 15_000, 'ERROR');
  await assertDataTakingStopped(stack, env.id);
  const e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.transition === '' && x;
    },
    15_000,
    'the environment to be idle',
  );
  for (const x of e.tasks) {
    assert.equal(x.state, x.name === 'builder' ? 'ERROR' : 'CONFIGURED', `${x.name} is ${x.state}`);
  }
  const stop = await waitFor(() => events.events.find((x) => x.kind === 'run.stop' && x.runNumber === run), 5000, 'run.stop');
  assert.match(stop.message, /^aborted: task builder exited on node node-\d \(killed by SIGKILL\)/);
  assert.equal((await runsOf(stack, env.id)).find((x) => x.runNumber === run)!.state, 'aborted');

  // RECOVER is still the way back: the builder is relaunched, the others go to STANDBY
  await mustControl(c, env.id, 'RECOVER', 60_000);
  assert.equal((await getEnv(c, env.id, false)).state, 'DEPLOYED');
  await mustControl(c, env.id, 'EXIT', 60_000);
});

test('a task that does not answer the STOP is marked ERROR; RECOVER asked meanwhile waits, then relaunches it', async (t) => {
  // the controller's default deadline bounds the STOP that follows a fault
  const stack = await startStack({ realAgents: 2, labels: { zone: 'upstream' }, controller: { defaultTimeoutMs: 3000 } });
  const c = stack.client;
  const env = await runningChain(stack);
  const frozen = env.tasks.find((x) => x.name === 'readout-1')!;
  const builder = env.tasks.find((x) => x.name === 'builder')!;
  t.after(async () => {
    try {
      process.kill(frozen.pid, 'SIGCONT');
    } catch {
      /* gone */
    }
    await stack.stop();
  });
  process.kill(frozen.pid, 'SIGSTOP');
  process.kill(builder.pid, 'SIGKILL');
  await waitFor(async () => (await getEnv(c, env.id, false)).state === 'ERROR', 15_000, 'ERROR');
  // pressed while the STOP waits for the frozen readout: not BUSY, it waits and goes on
  const final = await mustControl(c, env.id, 'RECOVER', 60_000);
  assert.equal(final.state, 'DEPLOYED');
  const e = await getEnv(c, env.id);
  const r1 = e.tasks.find((x) => x.name === 'readout-1')!;
  assert.notEqual(r1.pid, frozen.pid, 'the readout that did not answer STOP was relaunched');
  assert.equal(alive(frozen.pid), false, 'and its frozen process killed');
  assert.ok(
    e.tasks.every((x) => x.state === 'STANDBY'),
    e.tasks.map((x) => `${x.name}:${x.state}`).join(' '),
  );
  await mustControl(c, env.id, 'EXIT', 60_000);
});
