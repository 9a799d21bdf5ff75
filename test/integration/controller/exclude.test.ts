// Runtime exclude/include: a readout (an item of an iterator above its nmin) is taken out of a
// RUNNING environment and put back (through the CLI) while the rest keeps running in the same
// open run; a critical role, or going below nmin, is refused naming the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alive, call, createEnv, getEnv, mustControl, startStack, subscribe, tempHome, tempRepo, TOKEN, waitFor } from './harness.js';
import { baton } from '../cli/harness.js';
import type { Environment, Run } from '../../../core/rpc/gen/control.js';
import { BatonError } from '../../../core/model/errors.js';
import { after, logOf } from './daq-logs.js';

const WORKFLOW = `
name: excl-chain
vars:
  rate: 200
  payload_bytes: 256
roles:
  - name: readout-{{ it }}
    for: {range: "{{ range(0, 2) }}", var: it}
    nmin: 1
    task: {class: readout, critical: true}
  - name: builder
    task: {class: builder, critical: true}
  - name: sink
    task: {class: sink, critical: true}
`;

function role(e: Environment, path: string) {
  const walk = (r: NonNullable<Environment['root']>): typeof r | undefined => (r.path === path ? r : r.children.map(walk).find((x) => x));
  return walk(e.root!)!;
}

test('exclude and include a readout while RUNNING: the rest keeps running, the same run stays open', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/excl-chain.yaml': WORKFLOW });
  const stack = await startStack({ home, realAgents: 2, controller: { templateRepos: [repo] } });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'excl-chain');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const run = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const before = await getEnv(c, env.id, true, true);
  const old = before.tasks.find((x) => x.name === 'readout-1')!;
  const others = before.tasks.filter((x) => x.name !== 'readout-1');

  const out = await call<unknown, Environment>(c, 'excludeRole', { envId: env.id, role: 'readout-1', timeoutMs: 0 });
  assert.equal(out.state, 'RUNNING');
  assert.equal(out.runNumber, run);
  const ex = out.tasks.find((x) => x.name === 'readout-1')!;
  assert.equal(ex.included, false);
  assert.equal(ex.state, 'DONE');
  await waitFor(() => !alive(old.pid), 10_000, 'the excluded readout to end');
  for (const x of out.tasks.filter((y) => y.name !== 'readout-1')) {
    assert.equal(x.state, 'RUNNING', `${x.name} keeps running`);
    assert.equal(x.pid, others.find((y) => y.name === x.name)!.pid, `${x.name} was not touched`);
  }
  assert.deepEqual(out.counts!.byState, { RUNNING: 3 }, 'the excluded task does not count');
  assert.equal(out.root!.state, 'RUNNING', 'the aggregated state ignores it');
  assert.equal(role(out, 'readout-1').included, false);

  // refusals name the rule and change nothing
  await assert.rejects(
    call(c, 'excludeRole', { envId: env.id, role: 'readout-0', timeoutMs: 0 }),
    (e: BatonError) => e.detail.code === 'BAD_INPUT' && /below its nmin 1/.test(e.message) && e.detail.data?.rule === 'nmin',
  );
  await assert.rejects(
    call(c, 'excludeRole', { envId: env.id, role: 'builder', timeoutMs: 0 }),
    (e: BatonError) => e.detail.code === 'BAD_INPUT' && /critical/.test(e.message) && e.detail.data?.rule === 'critical',
  );
  await assert.rejects(call(c, 'excludeRole', { envId: env.id, role: 'nope', timeoutMs: 0 }), (e: BatonError) => e.detail.code === 'NOT_FOUND');
  await assert.rejects(
    call(c, 'includeRole', { envId: env.id, role: 'builder', timeoutMs: 0 }),
    (e: BatonError) => e.detail.code === 'BAD_INPUT' && /already included/.test(e.message),
  );
  assert.equal((await getEnv(c, env.id, false)).counts!.byState.RUNNING, 3);

  // the exclusion outlives a controller restart: the role stays out, the rest RUNNING
  await stack.stopController();
  await stack.restartController();
  const restored = await waitFor(
    async () => {
      const x = await getEnv(stack.client, env.id, true, true);
      return x.tasks.every((y) => y.name === 'readout-1' || !y.lost) && x;
    },
    15_000,
    'the restarted controller to see its tasks',
  );
  assert.equal(restored.state, 'RUNNING');
  assert.equal(restored.tasks.find((x) => x.name === 'readout-1')!.included, false);
  assert.deepEqual(restored.counts!.byState, { RUNNING: 3 });

  // back in, through the CLI: launched and brought to RUNNING in the same run
  const cli = await baton(home, ['env', 'include', env.id, 'readout-1'], {
    env: { BATON_CONTROLLER: `unix://${home}/controller.sock`, BATON_TOKEN: TOKEN },
  });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`readout-1 included .*RUNNING, run ${run}`));
  const e = await getEnv(stack.client, env.id, true, true);
  const back = e.tasks.find((x) => x.name === 'readout-1')!;
  assert.equal(e.state, 'RUNNING');
  assert.equal(e.runNumber, run);
  assert.equal(back.included, true);
  assert.equal(back.state, 'RUNNING');
  assert.notEqual(back.pid, old.pid);
  assert.deepEqual(e.counts!.byState, { RUNNING: 4 });
  assert.equal(role(e, 'readout-1').included, true);
  // its log holds the old process's start of the run, then the new one's
  await waitFor(() => (logOf(back).match(new RegExp(`readout-1: run ${run} started`, 'g')) ?? []).length === 2, 10_000, 'the readout to start the same run');
  // it binds its tcp port again: the builder, still dialling it, reads from it (a readout counts
  // only the frames a reader took)
  assert.equal(back.addresses.out, old.addresses.out, 'the same address as before');
  await waitFor(
    () => /readout-1: [1-9]\d* frames\/s/.test(after(logOf(back), /readout-1: run \d+ started(?![\s\S]*readout-1: run \d+ started)/)),
    20_000,
    'the builder to read from the included readout',
  );
  const runs = (await call<unknown, { runs: Run[] }>(stack.client, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.equal(runs.find((x) => x.runNumber === run)!.state, 'open');
  // both are stored events (replayed from the start by the restarted controller)
  const events = subscribe(stack.client, { envId: env.id, kinds: ['env.exclude', 'env.include'], replayAll: true });
  t.after(() => events.stop());
  await waitFor(() => events.events.length >= 2, 5000, 'the exclude and include events');
  assert.deepEqual(
    events.events.map((x) => `${x.kind}:${x.data.role}`),
    ['env.exclude:readout-1', 'env.include:readout-1'],
  );

  await mustControl(stack.client, env.id, 'STOP_ACTIVITY');
  await mustControl(stack.client, env.id, 'EXIT', 60_000);
});

test('a failed non-critical task excluded, then included back: the environment is no longer degraded', async (t) => {
  const stack = await startStack({ realAgents: 1 });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const run = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const events = subscribe(c, { envId: env.id, kinds: ['env.state'] });
  t.after(() => events.stop());
  const gamma = (await getEnv(c, env.id)).tasks.find((x) => x.name === 'gamma')!;
  process.kill(gamma.pid, 'SIGKILL');
  await waitFor(async () => (await getEnv(c, env.id)).degraded, 10_000, 'the environment to be degraded by gamma');

  const out = await call<unknown, Environment>(c, 'excludeRole', { envId: env.id, role: 'gamma', timeoutMs: 0 });
  assert.equal(out.degraded, false, 'gamma is out by the operator: nothing the environment counts on has failed');
  assert.equal(out.runNumber, run);
  const back = await call<unknown, Environment>(c, 'includeRole', { envId: env.id, role: 'gamma', timeoutMs: 0 });
  assert.equal(back.state, 'RUNNING');
  assert.equal(back.runNumber, run, 'the same run goes on');
  assert.equal(back.degraded, false);
  const g = back.tasks.find((x) => x.name === 'gamma')!;
  assert.equal(g.state, 'RUNNING');
  assert.ok(alive(g.pid) && g.pid !== gamma.pid, 'gamma runs again, a new process');
  await waitFor(() => events.events.some((e) => /no longer degraded/.test(e.message)), 5000, 'an event saying the environment is whole again');
});
