// A controller killed with -9 while a transition is in flight (its tasks are in their handlers,
// which sleep) is restarted: within a bounded wait the environment and its tasks agree, the run
// is open iff the tasks are RUNNING, and the environment takes its next transition. Before the
// transition intent and the restart reconcile, a CONFIGURE interrupted so left the environment
// DEPLOYED with its tasks CONFIGURED, a STOP left it RUNNING with the run open and the tasks
// CONFIGURED, and an EXIT left it CONFIGURED with its processes gone (START_ACTIVITY then opened
// a run with nothing behind it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import type { ControlClient, Environment, Event, Run } from '../../../core/rpc/gen/control.js';
import { BatonError } from '../../../core/model/errors.js';
import { alive, call, control, createEnv, getEnv, listTasks, mustControl, subscribe, tempHome, tempRepo, waitFor, TOKEN, controlClient } from './harness.js';
import { startChildController, type Child } from './procs.js';

/** every task transition sleeps this long: the controller is killed in the middle of it */
const HANDLER_MS = 2500;
const KILL_AFTER_MS = 900;

const WORKFLOW = `
name: slow
description: demo tasks whose every transition takes a while
roles:
  - name: alpha
    task: {class: demo, critical: true, properties: {delay_ms: "${HANDLER_MS}"}}
  - name: beta
    task: {class: demo, critical: true, properties: {delay_ms: "${HANDLER_MS}"}}
  - name: gamma
    task: {class: demo, critical: false, properties: {delay_ms: "${HANDLER_MS}"}}
`;

/** alpha crashes at the end of its CONFIGURE, after the controller came back */
const CRASHY = `
name: crashy
description: a critical task that crashes in CONFIGURE while the controller is away
roles:
  - name: alpha
    task: {class: demo, critical: true, properties: {delay_ms: "${HANDLER_MS}", crash_on: CONFIGURE}}
  - name: beta
    task: {class: demo, critical: true, properties: {delay_ms: "${HANDLER_MS}"}}
`;

const TASK_STATE_OF: Record<string, string> = { DEPLOYED: 'STANDBY', CONFIGURED: 'CONFIGURED', RUNNING: 'RUNNING', DONE: 'DONE' };

interface Setup {
  home: string;
  repo: string;
  agent: AgentHandle;
  ctl: Child;
  client: ControlClient;
  options: Parameters<typeof startChildController>[0];
}

async function setup(): Promise<Setup> {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/slow.yaml': WORKFLOW, 'workflows/crashy.yaml': CRASHY });
  const agent = await startAgent({ name: 'node-1', home, listen: `unix://${home}/agent.sock`, token: TOKEN, labels: {}, portRange: [26100, 26199] });
  const options = { home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: [agent.address], heartbeatTimeoutMs: 3000 };
  const ctl = await startChildController(options);
  return { home, repo, agent, ctl, client: controlClient(ctl.address), options };
}

async function teardown(s: Setup, pids: number[]): Promise<void> {
  s.client.close();
  await s.ctl.kill9();
  await s.agent.stop({ killTasks: true });
  for (const p of pids) {
    try {
      process.kill(-p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  fs.rmSync(s.home, { recursive: true, force: true });
}

/** Sends the transition, kills the controller -9 while the tasks are in their handlers, restarts it. */
async function killDuring(s: Setup, envId: string, transition: string): Promise<void> {
  const inFlight = control(s.client, envId, transition, 30_000).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
  s.client.close();
  await s.ctl.kill9();
  const cut = await inFlight;
  assert.ok(cut instanceof Error, `${transition} was still in flight when the controller was killed`);
  s.ctl = await startChildController({ ...s.options, agents: [] });
  s.client = controlClient(s.ctl.address);
  // past the end of the handlers: any answer that was to come has come
  await new Promise((r) => setTimeout(r, HANDLER_MS));
}

async function openRuns(c: ControlClient, envId: string): Promise<number[]> {
  const runs = (await call<unknown, { runs: Run[] }>(c, 'listRuns', { envId, limit: 0 })).runs;
  return runs.filter((r) => r.state === 'open').map((r) => r.runNumber);
}

/** The environment at rest agrees with its tasks, and its run is open iff they are RUNNING. */
async function settledAndAgreeing(c: ControlClient, envId: string): Promise<Environment> {
  return waitFor(
    async () => {
      const e = await getEnv(c, envId);
      if (e.transition) return false; // still held
      const want = TASK_STATE_OF[e.state];
      if (!want || !e.tasks.every((t) => t.state === want && !t.lost)) return false;
      const open = await openRuns(c, envId);
      const running = want === 'RUNNING';
      if (running !== (open.length === 1) || (running && e.runNumber !== open[0]) || (!running && open.length)) return false;
      return e;
    },
    15_000,
    'the environment and its tasks to agree after the restart',
  );
}

function eventsOf(c: ControlClient, envId: string) {
  return subscribe(c, { envId, fromSeq: 0, replayAll: true });
}

async function reconciledEvent(c: ControlClient, envId: string): Promise<Event> {
  const sub = eventsOf(c, envId);
  try {
    return await waitFor(() => sub.events.find((e) => e.kind === 'env.reconciled'), 5000, 'an env.reconciled event');
  } finally {
    sub.stop();
  }
}

test('CONFIGURE interrupted by a controller kill -9: the environment ends as its tasks are (CONFIGURED)', async (t) => {
  const s = await setup();
  let pids: number[] = [];
  t.after(() => teardown(s, pids));
  const env = await createEnv(s.client, 'slow', {}, s.repo);
  await mustControl(s.client, env.id, 'DEPLOY');
  pids = (await listTasks(s.client, env.id)).map((x) => x.pid);
  await killDuring(s, env.id, 'CONFIGURE');
  const e = await settledAndAgreeing(s.client, env.id);
  assert.equal(e.state, 'CONFIGURED', 'the tasks finished CONFIGURE: the transition is completed');
  const ev = await reconciledEvent(s.client, env.id);
  assert.equal(ev.data.outcome, 'completed');
  assert.match(ev.message, /controller restarted during CONFIGURE/);
  await mustControl(s.client, env.id, 'START_ACTIVITY');
  await mustControl(s.client, env.id, 'STOP_ACTIVITY');
});

test('START_ACTIVITY interrupted by a controller kill -9: RUNNING with its run open', async (t) => {
  const s = await setup();
  let pids: number[] = [];
  t.after(() => teardown(s, pids));
  const env = await createEnv(s.client, 'slow', {}, s.repo);
  await mustControl(s.client, env.id, 'DEPLOY');
  await mustControl(s.client, env.id, 'CONFIGURE');
  pids = (await listTasks(s.client, env.id)).map((x) => x.pid);
  await killDuring(s, env.id, 'START_ACTIVITY');
  const e = await settledAndAgreeing(s.client, env.id);
  assert.equal(e.state, 'RUNNING');
  assert.ok(e.runNumber, 'the run the START opened is kept open');
  await mustControl(s.client, env.id, 'STOP_ACTIVITY');
  assert.deepEqual(await openRuns(s.client, env.id), [], 'STOP closes it');
});

test('STOP_ACTIVITY interrupted by a controller kill -9: CONFIGURED, the run closed with the reason', async (t) => {
  const s = await setup();
  let pids: number[] = [];
  t.after(() => teardown(s, pids));
  const env = await createEnv(s.client, 'slow', {}, s.repo);
  await mustControl(s.client, env.id, 'DEPLOY');
  await mustControl(s.client, env.id, 'CONFIGURE');
  const run = (await mustControl(s.client, env.id, 'START_ACTIVITY')).runNumber;
  pids = (await listTasks(s.client, env.id)).map((x) => x.pid);
  await killDuring(s, env.id, 'STOP_ACTIVITY');
  const e = await settledAndAgreeing(s.client, env.id);
  assert.equal(e.state, 'CONFIGURED');
  const sub = eventsOf(s.client, env.id);
  const stop = await waitFor(() => sub.events.find((x) => x.kind === 'run.stop' && x.runNumber === run), 5000, 'the run.stop event');
  sub.stop();
  assert.equal(stop.data.reason, 'controller restarted during STOP_ACTIVITY');
  await mustControl(s.client, env.id, 'START_ACTIVITY');
});

test('EXIT interrupted by a controller kill -9: DONE with no process left, and START_ACTIVITY is refused', async (t) => {
  const s = await setup();
  let pids: number[] = [];
  t.after(() => teardown(s, pids));
  const env = await createEnv(s.client, 'slow', {}, s.repo);
  await mustControl(s.client, env.id, 'DEPLOY');
  await mustControl(s.client, env.id, 'CONFIGURE');
  pids = (await listTasks(s.client, env.id)).map((x) => x.pid);
  await killDuring(s, env.id, 'EXIT');
  await waitFor(() => pids.every((p) => !alive(p)), 15_000, 'the task processes to end');
  const e = await settledAndAgreeing(s.client, env.id);
  assert.equal(e.state, 'DONE');
  const refused = await control(s.client, env.id, 'START_ACTIVITY').then(
    () => null,
    (x: unknown) => x,
  );
  assert.ok(refused instanceof BatonError, 'START_ACTIVITY after an interrupted EXIT is refused');
  assert.equal(refused.code, 'TRANSITION_NOT_ALLOWED');
  assert.deepEqual(await openRuns(s.client, env.id), [], 'no run was opened');
});

test('CONFIGURE interrupted, and a critical task crashed meanwhile: ERROR naming it; RECOVER settles every task', async (t) => {
  const s = await setup();
  let pids: number[] = [];
  t.after(() => teardown(s, pids));
  const env = await createEnv(s.client, 'crashy', {}, s.repo);
  await mustControl(s.client, env.id, 'DEPLOY');
  pids = (await listTasks(s.client, env.id)).map((x) => x.pid);
  await killDuring(s, env.id, 'CONFIGURE');
  const e = await waitFor(
    async () => {
      const x = await getEnv(s.client, env.id);
      return !x.transition && x.state === 'ERROR' && x;
    },
    15_000,
    'ERROR',
  );
  assert.match(e.error!.message, /controller restarted during CONFIGURE/);
  assert.match(e.error!.message, /\balpha\b/, 'the reason names the task that disagrees');
  assert.deepEqual(await openRuns(s.client, env.id), []);
  const ev = await reconciledEvent(s.client, env.id);
  assert.equal(ev.data.outcome, 'error');
  await mustControl(s.client, env.id, 'RECOVER');
  const back = await getEnv(s.client, env.id);
  assert.deepEqual(back.tasks.map((x) => `${x.name}:${x.state}`).sort(), ['alpha:STANDBY', 'beta:STANDBY']);
  pids = [...pids, ...back.tasks.map((x) => x.pid)];
});
