// Faults with real processes: kill -9 of a critical task, of a non-critical one, KillTask, and
// kill -9 of a whole agent (its tasks lost, then re-adopted when it comes back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { call, createEnv, getEnv, listTasks, mustControl, startStack, waitFor, alive, tempHome, TOKEN } from './harness.js';
import { startChildAgent } from './procs.js';
import type { Node, Run } from '../../../core/rpc/gen/control.js';

test('kill -9 of gamma keeps the environment RUNNING; of alpha puts it in ERROR; RECOVER brings it back', async (t) => {
  const stack = await startStack({ realAgents: 2 });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const run1 = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const before = await listTasks(c, env.id);
  const pid = (name: string) => before.find((x) => x.name === name)!.pid;

  process.kill(pid('gamma'), 'SIGKILL');
  await waitFor(async () => (await listTasks(c, env.id)).find((x) => x.name === 'gamma')!.state === 'ERROR', 10_000, 'gamma in ERROR');
  let e = await getEnv(c, env.id);
  assert.equal(e.state, 'RUNNING', 'a non-critical loss leaves the environment in its state');
  assert.equal(e.degraded, true);
  assert.equal(e.tasks.find((x) => x.name === 'gamma')!.exit?.signal, 'SIGKILL');

  const alpha = before.find((x) => x.name === 'alpha')!;
  process.kill(alpha.pid, 'SIGKILL');
  e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.state === 'ERROR' && x;
    },
    10_000,
    'environment ERROR',
  );
  assert.equal(e.error?.taskName, 'alpha');
  assert.equal(e.error?.node, alpha.node);
  assert.equal(e.error?.signal, 'SIGKILL');
  assert.match(e.error!.message, /alpha/);
  assert.equal(e.runNumber, undefined, 'no run while in ERROR');
  const runs = (await call<unknown, { runs: Run[] }>(c, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.equal(runs.find((r) => r.runNumber === run1)?.state, 'aborted');
  // the error names what the task printed last
  await waitFor(async () => ((await getEnv(c, env.id, false)).error?.lastLines.length ?? 0) > 0, 5000, 'last lines in the error');

  const rec = await mustControl(c, env.id, 'RECOVER');
  assert.equal(rec.state, 'DEPLOYED');
  const after = await listTasks(c, env.id);
  for (const x of after) assert.ok(x.state === 'STANDBY' && alive(x.pid), `${x.name} is STANDBY and alive`);
  assert.equal(after.find((x) => x.name === 'beta')!.pid, pid('beta'), 'the healthy task was kept');
  assert.notEqual(after.find((x) => x.name === 'alpha')!.pid, alpha.pid, 'the failed task was relaunched');
  assert.equal((await getEnv(c, env.id, false)).degraded, false);

  await mustControl(c, env.id, 'CONFIGURE');
  const run2 = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  assert.ok(run2 > run1);
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await mustControl(c, env.id, 'EXIT');
});

test('KillTask of a critical task (fault injection) puts the environment in ERROR naming it', async (t) => {
  const stack = await startStack({ realAgents: 1 });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  const beta = (await listTasks(c, env.id)).find((x) => x.name === 'beta')!;
  const reply = await call<unknown, { id: string }>(c, 'killTask', { id: beta.id, signal: '' });
  assert.equal(reply.id, beta.id);
  const e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id, false);
      return x.state === 'ERROR' && x;
    },
    10_000,
    'ERROR',
  );
  assert.equal(e.error?.taskName, 'beta');
  await waitFor(() => !alive(beta.pid), 5000, 'beta gone');
  await assert.rejects(call(c, 'killTask', { id: 'env-x/none', signal: '' }), (err: Error & { code?: string }) => err.code === 'NOT_FOUND');
  await mustControl(c, env.id, 'RECOVER');
  await mustControl(c, env.id, 'EXIT');
});

test('kill -9 of an agent: its tasks are lost at once; when it comes back they are re-adopted', async (t) => {
  const home = tempHome();
  const agentOpts = {
    name: 'victim',
    home,
    listen: `unix://${path.join(home, 'victim.sock')}`,
    token: TOKEN,
    labels: { zone: 'test' },
    portRange: [23000, 23099] as [number, number],
  };
  let agent = await startChildAgent(agentOpts);
  // no agent-loss grace: lost at once (the grace has its own tests in agent-loss.test.ts)
  const stack = await startStack({ home, controller: { agents: [agent.address], agentLossGraceMs: 0 } });
  t.after(async () => {
    await stack.stop().catch(() => {});
    await agent.kill9();
  });
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  const pids = (await listTasks(c, env.id)).map((x) => x.pid);

  const killedAt = Date.now();
  await agent.kill9();
  await waitFor(async () => (await listTasks(c, env.id)).every((x) => x.lost), 5000, 'every task lost');
  const lostAfter = Date.now() - killedAt;
  assert.ok(lostAfter < 5000, `tasks lost within 5 s (took ${lostAfter} ms)`);
  const e = await getEnv(c, env.id, false);
  assert.equal(e.state, 'ERROR');
  assert.equal(e.error?.code, 'TASK_LOST');
  assert.equal(e.counts?.lost, 3);
  const nodes = (await call<unknown, { nodes: Node[] }>(c, 'listNodes', {})).nodes;
  assert.equal(nodes.find((n) => n.name === 'victim')?.up, false);
  assert.ok(pids.every(alive), 'the task processes survive their agent');

  agent = await startChildAgent(agentOpts);
  await waitFor(async () => (await listTasks(c, env.id)).every((x) => !x.lost), 10_000, 'tasks re-adopted');
  assert.deepEqual(
    (await listTasks(c, env.id)).map((x) => x.pid),
    pids,
  );
  await mustControl(c, env.id, 'RECOVER');
  await mustControl(c, env.id, 'CONFIGURE');
  await mustControl(c, env.id, 'EXIT');
  await waitFor(() => pids.every((p) => !alive(p)), 10_000, 'tasks gone after EXIT');
});

test('tasks of an environment destroyed while their agent was away are reaped when it comes back', async (t) => {
  const home = tempHome();
  const agentOpts = {
    name: 'away',
    home,
    listen: `unix://${path.join(home, 'away.sock')}`,
    token: TOKEN,
    labels: { zone: 'test' },
    portRange: [23100, 23199] as [number, number],
  };
  let agent = await startChildAgent(agentOpts);
  // no agent-loss grace: lost at once (the grace has its own tests in agent-loss.test.ts)
  const stack = await startStack({ home, controller: { agents: [agent.address], agentLossGraceMs: 0 } });
  let pids: number[] = [];
  t.after(async () => {
    await stack.stop().catch(() => {});
    await agent.kill9();
    for (const p of pids) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  pids = (await listTasks(c, env.id)).map((x) => x.pid);
  await agent.kill9();
  await waitFor(async () => (await listTasks(c, env.id)).every((x) => x.lost), 5000, 'tasks lost');
  await call(c, 'destroyEnvironment', { id: env.id, force: true });
  assert.ok(pids.every(alive), 'still running on the unreachable node');
  agent = await startChildAgent(agentOpts);
  await waitFor(() => pids.every((p) => !alive(p)), 15_000, 'orphans reaped after the Hello');
});
