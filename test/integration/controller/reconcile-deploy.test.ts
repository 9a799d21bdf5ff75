// A controller killed -9 inside DEPLOY comes back with the environment rolled back to STANDBY (the
// agents reap the tasks of a STANDBY environment): its tasks must not keep the pids of the
// processes that were reaped. Before, they showed STANDBY with the pid of a dead process (found
// by the chaos suite: the controller's view contradicted /proc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startAgent } from '../../../core/agent/main.js';
import { alive, control, controlClient, createEnv, getEnv, tempHome, tempRepo, waitFor, TOKEN } from './harness.js';
import { startChildController } from './procs.js';

// mute: a controlled task that never says hello, so DEPLOY waits for it while the sleeper runs
const WORKFLOW = `
name: half
roles:
  - name: sleeper
    task: {class: sleeper, critical: true}
  - name: mute
    task: {class: demo, critical: true, command: sleep, args: ["60"]}
`;

test('DEPLOY interrupted by a controller kill -9 and rolled back: no task keeps a pid', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/half.yaml': WORKFLOW });
  const agent = await startAgent({ name: 'node-1', home, listen: `unix://${home}/agent.sock`, token: TOKEN, labels: {}, portRange: [26300, 26399] });
  const options = { home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: [agent.address], heartbeatTimeoutMs: 3000 };
  let ctl = await startChildController(options);
  let client = controlClient(ctl.address);
  t.after(async () => {
    client.close();
    await ctl.kill9();
    await agent.stop({ killTasks: true });
    fs.rmSync(home, { recursive: true, force: true });
  });
  const env = await createEnv(client, 'half', {}, repo);
  const deploying = control(client, env.id, 'DEPLOY', 30_000).catch((e: unknown) => e);
  const sleeper = await waitFor(
    async () => (await getEnv(client, env.id)).tasks.find((x) => x.name === 'sleeper' && x.pid > 0),
    15_000,
    'the sleeper launched while DEPLOY waits for the mute task',
  );
  await new Promise((r) => setTimeout(r, 500)); // its pid stored
  client.close();
  await ctl.kill9();
  assert.ok((await deploying) instanceof Error, 'DEPLOY was in flight');

  ctl = await startChildController({ ...options, agents: [] });
  client = controlClient(ctl.address);
  const e = await waitFor(
    async () => {
      const x = await getEnv(client, env.id);
      return !x.transition && x;
    },
    20_000,
    'the restart decision',
  );
  await waitFor(() => !alive(sleeper.pid), 10_000, 'the agent reaped the sleeper');
  assert.equal(e.state, 'STANDBY', 'DEPLOY rolled back');
  const after = await getEnv(client, env.id);
  assert.deepEqual(
    after.tasks.map((x) => [x.name, x.state, x.pid]),
    after.tasks.map((x) => [x.name, 'STANDBY', 0]),
    'no task shows the pid of a reaped process',
  );
});
