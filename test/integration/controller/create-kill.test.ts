// kill -9 of the controller in the middle of a large create: the environment's record is in the
// store (its packed expansion), the create has not answered yet. Restarted, the controller has it
// whole: every task, placed (their nodes from the placement vector, or placed again by DEPLOY
// when the kill came before it was written), and DEPLOY and CONFIGURE bring every task up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { startSimAgents, type AgentHandle } from '../../../core/agent/main.js';
import type { Environment } from '../../../core/rpc/gen/control.js';
import { call, controlClient, createEnv, getEnv, mustControl, tempHome, TOKEN } from './harness.js';
import { startChildController } from './procs.js';

const TASKS = 200_000;

test(`a controller killed with -9 while it creates ${TASKS} tasks comes back with the environment whole`, { timeout: 300_000 }, async (t) => {
  const home = tempHome();
  fs.mkdirSync(path.join(home, 'sim'), { recursive: true });
  const agents: AgentHandle[] = await startSimAgents(2, {
    home,
    listen: `unix://${home}/sim`,
    token: TOKEN,
    labels: { sim: 'true' },
    portRange: [25000, 25999],
  });
  const ctlOpts = { home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: agents.map((a) => a.address) };
  let ctl = await startChildController(ctlOpts);
  let c = controlClient(ctl.address);
  t.after(async () => {
    c.close();
    await ctl.kill9();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    fs.rmSync(home, { recursive: true, force: true });
  });

  const creating = createEnv(c, 'sim-farm', { tasks: String(TASKS) }).then(
    () => 'answered',
    () => 'cut off',
  );
  // the store's file, read beside the controller (WAL): the environment's record is committed
  // before the create goes on to its placement vector, its index and its answer
  const db = new Database(path.join(home, 'controller', 'baton.db'), { readonly: true, fileMustExist: true });
  const stored = db.prepare(`SELECT id FROM envs`);
  let envId: string | undefined;
  while (!envId) {
    envId = (stored.get() as { id: string } | undefined)?.id;
    if (!envId) await new Promise((r) => setTimeout(r, 2));
  }
  await ctl.kill9();
  db.close();
  c.close();
  assert.equal(await creating, 'cut off', 'killed before the create answered');

  ctl = await startChildController({ ...ctlOpts, agents: [] });
  c = controlClient(ctl.address);
  const envs = (await call<unknown, { environments: Environment[] }>(c, 'listEnvironments', {})).environments;
  assert.deepEqual(
    envs.map((e) => e.id),
    [envId],
  );
  const env = await getEnv(c, envId, false, false);
  assert.equal(env.state, 'STANDBY');
  assert.equal(env.counts?.total, TASKS);
  // every task launched on an agent and answering: placed, whether the kill came before or after
  // the placement vector was written
  await mustControl(c, envId, 'DEPLOY', 120_000);
  await mustControl(c, envId, 'CONFIGURE', 120_000);
  const configured = await getEnv(c, envId, false, false);
  assert.equal(configured.state, 'CONFIGURED');
  assert.equal(configured.counts?.byState?.CONFIGURED, TASKS);
});
