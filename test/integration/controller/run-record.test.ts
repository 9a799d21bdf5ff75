// The run record with a real controller, real agents and a real SQLite file: the run number
// reaches before_START_ACTIVITY hooks; a START that fails or that a hook cancels is "aborted
// before start"; an ERROR abort is "aborted: <error>"; who started and stopped a run, its type,
// detectors, configuration snapshot and comments are kept, also across a controller restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Environment, ListTasksRequest, type Run } from '../../../core/rpc/gen/control.js';
import { BatonError } from '../../../core/model/errors.js';
import { call, startStack, tempHome, tempRepo, type Stack } from './harness.js';
import { addRunUsers, clientOf, handingOver } from './run-users.js';

const WORKFLOW = `
name: recorded
description: a demo task, hooks switched on by vars
vars:
  out: {type: string, default: ""}
  block_start: {type: bool, default: false}
  fail_start: {type: string, default: ""}
  run_type: {type: string, default: "PHYSICS"}
  detectors: {type: list, default: ["TPC", "ITS"]}
roles:
  - name: alpha
    task: {class: demo, critical: true, properties: {fail_on: "{{ fail_start }}"}}
  - name: beta
    task: {class: demo, critical: true}
  - name: note-run
    enabled: "{{ out != '' }}"
    call:
      func: exec
      args: {command: "echo \\"\${run_number} $BATON_RUN_NUMBER \${run_type}\\" >> {{ out }}"}
      trigger: before_START_ACTIVITY
      critical: true
  - name: gate
    enabled: "{{ block_start }}"
    call: {func: test.fail, args: {message: "the beam is not ready"}, trigger: before_START_ACTIVITY, critical: true}
`;

let stack: Stack;
let repo: string;
let home: string;
const alice = () => clientOf(stack, 'alice');
const bob = () => clientOf(stack, 'bob');
// every transition after a hand-over: the caller drives a free environment (run-users.ts)
const { control, mustControl } = handingOver(() => stack);

before(async () => {
  home = tempHome();
  repo = tempRepo(home, { 'workflows/recorded.yaml': WORKFLOW });
  stack = await startStack({ home, realAgents: 1 });
  await addRunUsers(stack);
});
after(async () => {
  await stack?.stop();
});

function create(vars: Record<string, string> = {}, extra: { name?: string; runType?: string } = {}): Promise<Environment> {
  return call(stack.client, 'createEnvironment', {
    workflow: 'recorded',
    vars,
    repo,
    revision: '',
    owner: 'test',
    autoDeploy: false,
    name: extra.name ?? '',
    runType: extra.runType ?? '',
  });
}

async function configured(vars: Record<string, string> = {}, extra: { name?: string; runType?: string } = {}): Promise<Environment> {
  const env = await create(vars, extra);
  await mustControl(stack.client, env.id, 'DEPLOY');
  await mustControl(stack.client, env.id, 'CONFIGURE');
  return env;
}

function getRun(runNumber: number, withRendered = false): Promise<Run> {
  return call(stack.client, 'getRun', { runNumber, withRendered });
}

async function lastRunOf(envId: string): Promise<Run> {
  const runs = (await call<unknown, { runs: Run[] }>(stack.client, 'listRuns', { envId, limit: 1 })).runs;
  assert.ok(runs[0], `a run of ${envId}`);
  return getRun(runs[0].runNumber, true);
}

async function refusal(p: Promise<unknown>): Promise<BatonError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  assert.ok(e instanceof BatonError, 'refused with a BatonError');
  return e;
}

test('a before_START_ACTIVITY hook gets the run number (and the run type) the START then reports', async () => {
  const out = path.join(home, 'run-number.txt');
  const env = await configured({ out });
  const final = (await control(alice(), env.id, 'START_ACTIVITY', 30_000, { run_type: 'COSMICS' })).at(-1)!;
  assert.ok(final.ok, JSON.stringify(final.error));
  const n = final.runNumber!;
  assert.equal(fs.readFileSync(out, 'utf8').trim(), `${n} ${n} COSMICS`, 'the hook saw ${run_number}, $BATON_RUN_NUMBER and ${run_type}');
  await mustControl(stack.client, env.id, 'STOP_ACTIVITY');
  const run = await getRun(n);
  assert.equal(run.runType, 'COSMICS', 'the run type given at START wins over the environment default');
});

test('started by one user, stopped by another: both names, the type, detectors, snapshot and end reason', async () => {
  const env = await configured({}, { name: 'Cosmics week 49' });
  assert.equal(env.name, 'Cosmics week 49');
  const started = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!;
  assert.ok(started.ok);
  const open = await getRun(started.runNumber!);
  assert.equal(open.state, 'open');
  assert.equal(open.startedBy, 'alice');
  assert.equal(open.endReason, '');
  const stopped = (await control(bob(), env.id, 'STOP_ACTIVITY')).at(-1)!;
  assert.ok(stopped.ok);
  const run = await getRun(started.runNumber!, true);
  assert.equal(run.state, 'closed');
  assert.equal(run.startedBy, 'alice');
  assert.equal(run.stoppedBy, 'bob');
  assert.equal(run.endReason, 'stopped by bob');
  assert.equal(run.runType, 'PHYSICS', "the workflow var run_type is the environment's default");
  assert.equal(run.envName, 'Cosmics week 49');
  assert.deepEqual(run.detectors, ['ITS', 'TPC'], 'from the workflow var detectors');
  const c = run.config!;
  assert.equal(c.workflow, 'recorded');
  assert.equal(c.repo, repo);
  assert.deepEqual(JSON.parse(c.varsInForceJson).detectors, ['TPC', 'ITS']);
  const rendered = JSON.parse(c.renderedJson) as { tasks: { name: string }[] };
  assert.deepEqual(
    rendered.tasks.map((t) => t.name),
    ['alpha', 'beta'],
    'the rendered workflow',
  );
  const light = (await getRun(started.runNumber!)).config!;
  assert.equal(light.renderedJson, '', 'the rendered workflow only when asked for');
  assert.deepEqual([light.tasks, light.hooks, light.channels], [2, 0, 0]);
  assert.equal(light.repo, repo);
});

test('a START a critical hook cancels: the run is closed "aborted before start" and the state stays', async () => {
  const env = await configured({ block_start: 'true' });
  const final = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!;
  assert.equal(final.ok, false);
  assert.equal(final.state, 'CONFIGURED');
  const run = await lastRunOf(env.id);
  assert.equal(run.state, 'aborted');
  assert.match(run.endReason, /^aborted before start: hook gate \(test\.fail\) failed at before_start_activity: the beam is not ready/);
  assert.equal(run.stoppedBy, '', 'nobody stopped it: it failed');
  assert.equal(run.startedBy, 'alice');
});

test('a START a task fails: ERROR, and the run is "aborted before start" with the error', async () => {
  const env = await configured({ fail_start: 'START' });
  const final = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!;
  assert.equal(final.ok, false);
  assert.equal(final.state, 'ERROR');
  const run = await lastRunOf(env.id);
  assert.equal(run.state, 'aborted');
  assert.match(run.endReason, /^aborted before start: .*alpha/);
  await mustControl(stack.client, env.id, 'EXIT');
});

test('an ERROR while RUNNING: "aborted: <error>", by nobody for a crash, by the caller for GO_ERROR', async () => {
  const env = await configured();
  const first = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!.runNumber!;
  const tasks = (await call<unknown, { tasks: { id: string; name: string }[] }>(stack.client, 'listTasks', ListTasksRequest.fromPartial({ envId: env.id })))
    .tasks;
  await call(stack.client, 'killTask', { id: tasks.find((t) => t.name === 'beta')!.id, signal: 'SIGKILL' });
  const crashed = await waitForRun(first, (r) => r.state === 'aborted');
  assert.match(crashed.endReason, /^aborted: task beta exited/);
  assert.equal(crashed.stoppedBy, '');

  const recovered = await mustControl(stack.client, env.id, 'RECOVER');
  if (recovered.state === 'DEPLOYED') await mustControl(stack.client, env.id, 'CONFIGURE');
  const second = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!.runNumber!;
  assert.ok(second > first, 'run numbers only grow');
  await control(bob(), env.id, 'GO_ERROR', 30_000, { reason: 'magnet trip' });
  const stopped = await waitForRun(second, (r) => r.state === 'aborted');
  assert.equal(stopped.endReason, 'aborted: GO_ERROR requested: magnet trip');
  assert.equal(stopped.stoppedBy, 'bob');
  await mustControl(stack.client, env.id, 'EXIT');
});

async function waitForRun(n: number, pred: (r: Run) => boolean): Promise<Run> {
  for (let i = 0; i < 200; i++) {
    const r = await getRun(n);
    if (pred(r)) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`run ${n} never matched: ${JSON.stringify(await getRun(n))}`);
}

test('comments carry their user and time; an empty one or an unknown run is refused', async () => {
  const env = await configured();
  const n = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!.runNumber!;
  const before = Date.now();
  await call(alice(), 'commentRun', { runNumber: n, text: 'beam at 6.8 TeV' });
  const r = await call<unknown, Run>(bob(), 'commentRun', { runNumber: n, text: '  noisy sector 3  ' });
  assert.deepEqual(
    r.comments.map((c) => [c.user, c.text]),
    [
      ['alice', 'beam at 6.8 TeV'],
      ['bob', 'noisy sector 3'],
    ],
  );
  assert.ok(r.comments.every((c) => c.timeMs >= before));
  assert.equal(r.config?.workflow, 'recorded', 'the reply is the whole record (but the rendered workflow)');
  assert.equal(r.config?.renderedJson, '');
  assert.equal((await refusal(call(alice(), 'commentRun', { runNumber: n, text: '   ' }))).code, 'BAD_INPUT');
  assert.equal((await refusal(call(alice(), 'commentRun', { runNumber: 999_999, text: 'hello' }))).code, 'NOT_FOUND');
  assert.equal((await getRun(n)).comments.length, 2, 'the refused ones left nothing');
  await mustControl(stack.client, env.id, 'STOP_ACTIVITY');
});

test('names: the default is the workflow and run type; a bad run type or name is refused and nothing is created', async () => {
  const env = await create({}, { runType: 'CALIB' });
  assert.equal(env.name, 'recorded CALIB');
  assert.equal(env.runType, 'CALIB');
  const plain = await create({ run_type: '' });
  assert.equal(plain.name, 'recorded');
  const before = (await call<unknown, { environments: Environment[] }>(stack.client, 'listEnvironments', {})).environments.length;
  assert.equal((await refusal(create({}, { runType: 'no spaces please' }))).detail.where, 'run_type');
  assert.equal((await refusal(create({}, { name: 'two\nlines' }))).detail.where, 'name');
  const after = (await call<unknown, { environments: Environment[] }>(stack.client, 'listEnvironments', {})).environments.length;
  assert.equal(after, before);
  const configuredEnv = await configured();
  const bad = await refusal(control(alice(), configuredEnv.id, 'START_ACTIVITY', 30_000, { run_type: 'bad type!' }));
  assert.equal(bad.code, 'BAD_INPUT');
  assert.equal(
    (await call<unknown, Environment>(stack.client, 'getEnvironment', { id: configuredEnv.id, withTasks: false, withTree: false })).state,
    'CONFIGURED',
  );
});

test('the record and the run counter survive a controller restart', async () => {
  const env = await configured({}, { runType: 'TECH' });
  const n = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!.runNumber!;
  await call(alice(), 'commentRun', { runNumber: n, text: 'before the restart' });
  await stack.stopController();
  await stack.restartController();
  const kept = await getRun(n, true);
  assert.equal(kept.startedBy, 'alice');
  assert.equal(kept.runType, 'TECH');
  assert.equal(kept.comments[0]?.text, 'before the restart');
  assert.ok(kept.config?.renderedJson);
  await mustControl(clientOf(stack, 'bob'), env.id, 'STOP_ACTIVITY');
  const closed = await getRun(n);
  assert.equal(closed.endReason, 'stopped by bob');
  const next = (await control(alice(), env.id, 'START_ACTIVITY')).at(-1)!;
  assert.ok(next.runNumber! > n, 'numbers go on growing after the restart');
  const restored = await call<unknown, Environment>(stack.client, 'getEnvironment', { id: env.id, withTasks: false, withTree: false });
  assert.equal(restored.runType, 'TECH');
  assert.equal((await getRun(next.runNumber!)).runType, 'TECH', "the environment's default run type is restored");
  await mustControl(stack.client, env.id, 'STOP_ACTIVITY');
});
