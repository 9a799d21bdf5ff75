// One controller per agent: an agent belongs to the controller of its first session. A second
// controller pointed at it (a wrong --home) is refused naming the owner, and neither ends the
// owner's session nor reaps its tasks; an explicit takeover moves the agent and is recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { call, controlClient, createEnv, getEnv, listTasks, mustControl, startStack, subscribe, tempHome, waitFor, alive, TOKEN } from './harness.js';
import { startChildAgent } from './procs.js';
import { startController } from '../../../core/controller/main.js';
import type { Node } from '../../../core/rpc/gen/control.js';

test('a second controller is refused naming the owner, the first run is untouched; a takeover is explicit and recorded', async (t) => {
  const home = tempHome();
  const agentOpts = {
    name: 'shared',
    home,
    listen: `unix://${path.join(home, 'shared.sock')}`,
    token: TOKEN,
    labels: { zone: 'test' },
    portRange: [23700, 23799] as [number, number],
  };
  const agent = await startChildAgent(agentOpts);
  const first = await startStack({ home, controller: { agents: [agent.address] } });
  const otherHome = path.join(home, 'other');
  fs.mkdirSync(otherHome);
  let second: Awaited<ReturnType<typeof startController>> | null = null;
  let pids: number[] = [];
  t.after(async () => {
    await second?.stop();
    await first.stop().catch(() => {});
    await agent.kill9();
    for (const p of pids) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
  const c1 = first.client;
  const env = await createEnv(c1, 'quick');
  await mustControl(c1, env.id, 'DEPLOY');
  await mustControl(c1, env.id, 'CONFIGURE');
  const runNumber = (await mustControl(c1, env.id, 'START_ACTIVITY')).runNumber!;
  const before = await listTasks(c1, env.id);
  pids = before.map((x) => x.pid);
  const owner = path.join(home, 'agents', 'shared', 'owner.json');
  assert.equal(JSON.parse(fs.readFileSync(owner, 'utf8')).controllerId, first.ctl.id, 'the agent records its first controller');
  const events1 = subscribe(c1, {});

  // the wrong controller: same agent, another home (so another controller id)
  second = await startController({ home: otherHome, listen: `unix://${otherHome}/c.sock`, token: TOKEN, agents: [agent.address] });
  assert.notEqual(second.id, first.ctl.id);
  const c2 = controlClient(second.address);
  t.after(() => c2.close());
  const events2 = subscribe(c2, { replayAll: true });
  const refused = await waitFor(
    async () => (await call<unknown, { nodes: Node[] }>(c2, 'listNodes', {})).nodes.find((n) => n.refused),
    10_000,
    'the node shown refused',
  );
  assert.equal(refused.name, 'shared');
  assert.equal(refused.up, false);
  assert.equal(refused.owner, first.ctl.id);
  assert.match(refused.refused, new RegExp(`belongs to controller ${first.ctl.id}`));
  // a few heartbeats later: the owner's session, run and tasks are untouched, and nothing flaps
  await new Promise((r) => setTimeout(r, 2500));
  const e = await getEnv(c1, env.id);
  assert.equal(e.state, 'RUNNING');
  assert.equal(e.runNumber, runNumber);
  assert.deepEqual(
    e.tasks.map((x) => [x.pid, x.lost, x.unreachable]),
    pids.map((p) => [p, false, false]),
  );
  assert.ok(pids.every(alive), 'no task reaped');
  const node1 = (await call<unknown, { nodes: Node[] }>(c1, 'listNodes', {})).nodes.find((n) => n.name === 'shared')!;
  assert.equal(node1.up, true);
  const kinds1 = events1.events.map((x) => x.kind);
  assert.ok(
    !kinds1.some((k) => k === 'node.suspect' || k === 'node.down' || k === 'node.up' || k === 'run.stop'),
    `the owner saw nothing: ${kinds1.join(' ')}`,
  );
  assert.equal(events2.events.filter((x) => x.kind === 'node.refused').length, 1, 'the refusal is said once');
  assert.equal(JSON.parse(fs.readFileSync(owner, 'utf8')).controllerId, first.ctl.id);

  // the operator takes it over explicitly: recorded by the agent and as an event; the new owner
  // reaps the tasks it does not know, the former owner loses them (and is refused from now on)
  const taken = await call<unknown, Node>(c2, 'addNode', { address: agent.address, name: '', takeOver: true });
  assert.equal(taken.up, true);
  assert.equal(taken.refused, '');
  assert.equal(JSON.parse(fs.readFileSync(owner, 'utf8')).controllerId, second.id);
  const takeover = await waitFor(() => events2.events.find((x) => x.kind === 'node.takeover'), 5000, 'node.takeover event');
  assert.equal(takeover.data.from, first.ctl.id);
  const lost = await waitFor(
    async () => {
      const x = await getEnv(c1, env.id, false);
      return x.state === 'ERROR' && x;
    },
    10_000,
    'the former owner loses the tasks',
  );
  assert.equal(lost.error?.code, 'TASK_LOST');
  const shown = await waitFor(
    async () => (await call<unknown, { nodes: Node[] }>(c1, 'listNodes', {})).nodes.find((n) => n.refused),
    10_000,
    'the former owner shows the node refused',
  );
  assert.equal(shown.owner, second.id);
  await waitFor(() => pids.every((p) => !alive(p)), 15_000, 'the new owner reaped the tasks it does not know');
  events1.stop();
  events2.stop();
});
