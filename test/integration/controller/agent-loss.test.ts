// An agent hiccup must not cost a run: kill -9 and restart, or SIGSTOP and SIGCONT, within the
// agent-loss grace leave the environment RUNNING with the same run and the same task processes;
// only an agent that stays away past the grace loses its tasks. Real controller, agent in its own
// process, real task processes (a controlled Node demo task and a basic /bin/sleep).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { call, control, createEnv, getEnv, listTasks, mustControl, startStack, subscribe, tempHome, tempRepo, waitFor, alive, TOKEN } from './harness.js';
import { startChildAgent, type Child } from './procs.js';
import type { Stack } from './harness.js';
import type { AgentOptions } from '../../../core/agent/main.js';
import type { Node, Run } from '../../../core/rpc/gen/control.js';
import type { BatonError } from '../../../core/model/errors.js';

const WORKFLOW = `
name: mixed
roles:
  - name: ctl
    task: {class: demo, critical: true}
  - name: sleep
    task: {class: sleeper, critical: true}
`;

/** SIGTERM: the agent stops and kills its tasks (nothing left behind); kill -9 if it hangs. */
async function stopAgent(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) {
    const gone = new Promise((r) => child.proc.once('exit', r));
    try {
      process.kill(child.proc.pid!, 'SIGCONT');
    } catch {
      /* gone */
    }
    child.proc.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await child.kill9();
}

async function running(graceMs: number, port: number) {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/mixed.yaml': WORKFLOW });
  const agentOpts = {
    name: 'victim',
    home,
    listen: `unix://${path.join(home, 'victim.sock')}`,
    token: TOKEN,
    labels: { zone: 'test' },
    portRange: [port, port + 99] as [number, number],
  };
  const agent: { child: Child } = { child: await startChildAgent(agentOpts) };
  const stack = await startStack({ home, controller: { agents: [agent.child.address], agentLossGraceMs: graceMs } });
  try {
    return await runningOn(home, repo, agent, agentOpts, stack);
  } catch (e) {
    await stack.stop().catch(() => {});
    await stopAgent(agent.child);
    throw e;
  }
}

async function runningOn(home: string, repo: string, agent: { child: Child }, agentOpts: AgentOptions, stack: Stack) {
  const c = stack.client;
  const env = await createEnv(c, 'mixed', {}, repo);
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const runNumber = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const tasks = await listTasks(c, env.id);
  assert.ok(tasks.every((t) => t.state === 'RUNNING' && alive(t.pid)));
  // a basic task's state lives only in the agent's tasks.json, written up to 50 ms after the
  // agent answered: the agent is killed once it is there (see docs/reliability.md)
  await waitFor(
    () => {
      try {
        const saved = JSON.parse(fs.readFileSync(path.join(home, 'agents', 'victim', 'tasks.json'), 'utf8')) as { tasks: { control: string; state: string }[] };
        const basic = saved.tasks.filter((t) => t.control === 'basic');
        return basic.length === 1 && basic.every((t) => t.state === 'RUNNING');
      } catch {
        return false;
      }
    },
    5000,
    'the agent saved its tasks',
  );
  const events = subscribe(c, {});
  const cleanup = async () => {
    events.stop();
    await stack.stop().catch(() => {});
    await stopAgent(agent.child);
    for (const t of tasks) {
      try {
        process.kill(-t.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  return { home, repo, stack, c, env, runNumber, tasks, agent, agentOpts, events, cleanup };
}

async function nodeOf(c: Parameters<typeof getEnv>[0], name: string): Promise<Node | undefined> {
  return (await call<unknown, { nodes: Node[] }>(c, 'listNodes', {})).nodes.find((n) => n.name === name);
}

/** While the node is SUSPECT: RUNNING, same run, degraded naming it, tasks unreachable (not lost). */
async function assertSuspect(s: Awaited<ReturnType<typeof running>>): Promise<void> {
  const { c, env, runNumber } = s;
  const e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.unreachableNodes.length > 0 && x;
    },
    15_000,
    'the environment names the unreachable node',
  );
  assert.deepEqual(e.unreachableNodes, ['victim']);
  assert.equal(e.state, 'RUNNING');
  assert.equal(e.runNumber, runNumber);
  assert.equal(e.degraded, true);
  assert.ok(
    e.tasks.every((t) => t.unreachable && !t.lost),
    'tasks are unreachable, not lost',
  );
  assert.equal((await nodeOf(c, 'victim'))?.suspect, true);
  // a transition while a node is SUSPECT is refused, naming the node; nothing changes
  await assert.rejects(control(c, env.id, 'STOP_ACTIVITY'), (err: BatonError) => err.code === 'UNAVAILABLE' && /victim/.test(err.message));
  assert.equal((await getEnv(c, env.id, false)).state, 'RUNNING');
}

/** Back within the grace: as before, same run, same pids, no run.stop, and a node.back event. */
async function assertBack(s: Awaited<ReturnType<typeof running>>): Promise<void> {
  const { c, env, runNumber, tasks, events } = s;
  const e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.unreachableNodes.length === 0 && x;
    },
    15_000,
    'the node back',
  );
  assert.equal(e.state, 'RUNNING');
  assert.equal(e.runNumber, runNumber, 'the same run');
  assert.equal(e.degraded, false);
  assert.deepEqual(
    e.tasks.map((t) => [t.name, t.pid, t.state, t.lost, t.unreachable]),
    tasks.map((t) => [t.name, t.pid, 'RUNNING', false, false]),
  );
  await waitFor(() => events.events.some((x) => x.kind === 'node.back'), 5000, 'node.back');
  const kinds = events.events.map((x) => x.kind);
  assert.ok(kinds.includes('node.suspect') && kinds.includes('env.degraded'), kinds.join(' '));
  assert.ok(!kinds.includes('run.stop') && !kinds.includes('task.lost') && !kinds.includes('node.down'), kinds.join(' '));
  const runs = (await call<unknown, { runs: Run[] }>(c, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.deepEqual(
    runs.map((r) => [r.runNumber, r.state]),
    [[runNumber, 'open']],
    'one run, still open',
  );
  // the control path works again: the run ends normally
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await mustControl(c, env.id, 'EXIT');
}

test('kill -9 of an agent while RUNNING, restarted within the grace: same run, same tasks, env RUNNING', async (t) => {
  const s = await running(60_000, 23400);
  t.after(s.cleanup);
  await s.agent.child.kill9();
  await assertSuspect(s);
  s.agent.child = await startChildAgent(s.agentOpts);
  await assertBack(s);
});

test('SIGSTOP of an agent for 5 s then SIGCONT: same run, same tasks, env RUNNING', async (t) => {
  const s = await running(60_000, 23500);
  t.after(s.cleanup);
  const pid = s.agent.child.proc.pid!;
  const stoppedAt = Date.now();
  process.kill(pid, 'SIGSTOP');
  await assertSuspect(s); // the heartbeat timeout (3 s here) makes it SUSPECT
  await new Promise((r) => setTimeout(r, Math.max(0, 5000 - (Date.now() - stoppedAt))));
  process.kill(pid, 'SIGCONT');
  await assertBack(s);
});

test('kill -9 of an agent that does not come back: after the grace its tasks are lost and the env goes to ERROR', async (t) => {
  const s = await running(2000, 23600);
  t.after(s.cleanup);
  const { c, env, runNumber, events } = s;
  await s.agent.child.kill9();
  const e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.state === 'ERROR' && x;
    },
    15_000,
    'ERROR after the grace',
  );
  assert.equal(e.error?.code, 'TASK_LOST');
  assert.ok(
    e.tasks.every((x) => x.lost && !x.unreachable),
    'lost, no longer merely unreachable',
  );
  assert.deepEqual(e.unreachableNodes, []);
  const down = await waitFor(() => events.events.find((x) => x.kind === 'node.down'), 5000, 'node.down');
  const kinds = events.events.map((x) => x.kind);
  assert.ok(kinds.indexOf('node.suspect') >= 0 && kinds.indexOf('node.suspect') < kinds.indexOf('node.down'), `SUSPECT first, then down: ${kinds.join(' ')}`);
  assert.match(down.message, /grace/);
  const runs = (await call<unknown, { runs: Run[] }>(c, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.equal(runs.find((r) => r.runNumber === runNumber)?.state, 'aborted');
  assert.equal((await nodeOf(c, 'victim'))?.suspect, false);
  // a new environment cannot be placed: the refusal names the node that is away, so the operator
  // waits for its agent rather than looks for a missing machine
  const refusal = await createEnv(c, 'mixed', {}, s.repo).then(
    () => 'placed',
    (err: BatonError) => `${err.code}: ${err.message}`,
  );
  assert.match(refusal, /^PLACEMENT: .*known node\(s\) are not up: victim \(down\)/);
});

test('a bad agent-loss grace is refused with a clear error', async () => {
  const { startController } = await import('../../../core/controller/main.js');
  const home = tempHome();
  for (const bad of [-1, 1.5, Number.NaN]) {
    await assert.rejects(
      startController({ home, listen: `unix://${home}/c.sock`, token: TOKEN, agentLossGraceMs: bad }),
      (err: BatonError) => err.code === 'BAD_INPUT' && err.detail.where === 'agentLossGraceMs' && /agent-loss grace/.test(err.message),
    );
  }
});
