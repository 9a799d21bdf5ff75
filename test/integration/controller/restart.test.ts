// kill -9 of the controller (a child process) and a restart: environments, run history and the run
// counter come back; the agents are redialled from the store and task states re-synced from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import type { Info, Run } from '../../../core/rpc/gen/control.js';
import { call, controlClient, createEnv, getEnv, listTasks, mustControl, tempHome, waitFor, alive, TOKEN } from './harness.js';
import { startChildAgent, startChildController } from './procs.js';

test('a controller killed with -9 comes back with its environments, runs and run counter', async (t) => {
  const home = tempHome();
  const agents: AgentHandle[] = [];
  for (const i of [1, 2]) {
    agents.push(
      await startAgent({
        name: `node-${i}`,
        home,
        listen: `unix://${home}/agent-${i}.sock`,
        token: TOKEN,
        labels: { zone: 'test' },
        portRange: [24000 + i * 100, 24099 + i * 100],
      }),
    );
  }
  const ctlOpts = { home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: agents.map((a) => a.address) };
  let ctl = await startChildController(ctlOpts);
  let c = controlClient(ctl.address);
  t.after(async () => {
    c.close();
    await ctl.kill9();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    fs.rmSync(home, { recursive: true, force: true });
  });

  const env = await createEnv(c, 'quick');
  const gone = await createEnv(c, 'quick');
  await call(c, 'destroyEnvironment', { id: gone.id, force: true });
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const r1 = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  const r2 = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const before = await listTasks(c, env.id);

  c.close();
  await ctl.kill9();
  // restarted without the agent list: it redials the nodes it stored
  ctl = await startChildController({ ...ctlOpts, agents: [] });
  c = controlClient(ctl.address);

  const envs = (await call<unknown, { environments: { id: string }[] }>(c, 'listEnvironments', {})).environments;
  assert.deepEqual(
    envs.map((e) => e.id),
    [env.id],
    'the destroyed environment stays destroyed',
  );
  const e = await getEnv(c, env.id);
  assert.equal(e.state, 'RUNNING');
  assert.equal(e.runNumber, r2);
  await waitFor(
    async () => {
      const ts = await listTasks(c, env.id);
      return ts.every((x) => !x.lost && x.state === 'RUNNING');
    },
    10_000,
    'tasks re-synced from the agents',
  );
  const after = await listTasks(c, env.id);
  assert.deepEqual(
    after.map((x) => x.pid),
    before.map((x) => x.pid),
    'the same processes, re-adopted',
  );
  assert.ok(after.every((x) => alive(x.pid)));

  const runs = (await call<unknown, { runs: Run[] }>(c, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.equal(runs.find((r) => r.runNumber === r1)?.state, 'closed');
  assert.equal(runs.find((r) => r.runNumber === r2)?.state, 'open');
  const info = await call<unknown, Info>(c, 'getInfo', {});
  assert.equal(info.lastRunNumber, r2);

  await mustControl(c, env.id, 'STOP_ACTIVITY');
  const r3 = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  assert.ok(r3 > r2, 'the next run number is strictly higher');
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  const closed = (await call<unknown, { runs: Run[] }>(c, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.equal(closed.find((r) => r.runNumber === r2)?.state, 'closed');
  await mustControl(c, env.id, 'EXIT');
  await waitFor(() => before.every((x) => !alive(x.pid)), 10_000, 'tasks gone after EXIT');
});

test('after a restart, an agent that does not come back has its tasks lost, and the environment goes to ERROR', async (t) => {
  const home = tempHome();
  const agentOpts = {
    name: 'gone',
    home,
    listen: `unix://${home}/gone.sock`,
    token: TOKEN,
    labels: { zone: 'test' },
    portRange: [25000, 25099] as [number, number],
  };
  const agent = await startChildAgent(agentOpts);
  const ctlOpts = { home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: [agent.address], heartbeatTimeoutMs: 1000 };
  let ctl = await startChildController(ctlOpts);
  let c = controlClient(ctl.address);
  let pids: number[] = [];
  t.after(async () => {
    c.close();
    await ctl.kill9();
    await agent.kill9();
    for (const p of pids) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.rmSync(home, { recursive: true, force: true });
  });
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  pids = (await listTasks(c, env.id)).map((x) => x.pid);
  c.close();
  await ctl.kill9();
  await agent.kill9();
  ctl = await startChildController({ ...ctlOpts, agents: [] });
  c = controlClient(ctl.address);
  const e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.state === 'ERROR' && x;
    },
    10_000,
    'ERROR after the grace',
  );
  assert.ok(e.tasks.every((x) => x.lost));
  assert.equal(e.error?.code, 'TASK_LOST');
});
