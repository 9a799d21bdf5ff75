// Teardown through the controller, with the agent in its own process: EXIT of many basic tasks
// leaves no process, keeps the node UP and lets a new environment be placed at once; a destroy
// while the agent is away names the tasks that await reaping, which are reaped when it is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Environment, Event, Node } from '../../../core/rpc/gen/control.js';
import { call, createEnv, listTasks, mustControl, startStack, subscribe, tempHome, tempRepo, waitFor, TOKEN } from './harness.js';
import { startChildAgent } from './procs.js';

const WORKFLOW = `name: plain-many
vars:
  tasks: {type: int, default: 200, min: 1, max: 100000}
roles:
  - name: sleeper-{{ it }}
    for: {range: "{{ range(0, tasks) }}", var: it}
    task: {class: plain-sleeper}
  - name: stubborn
    task: {class: stubborn}
`;
const SLEEPER = `name: plain-sleeper
control: basic
command: /bin/sleep
args: ["1000"]
kill: {term: 3s}
`;
// ignores SIGTERM (and so does its sleep: an ignored signal stays ignored across exec)
const STUBBORN = `name: stubborn
control: basic
command: /bin/sh
args: ["-c", "trap '' TERM; sleep 1000"]
kill: {term: 1s}
`;

/** process groups among `pgids` with a live (non-zombie) member: one /proc pass */
function livingGroups(pgids: number[]): number[] {
  const wanted = new Set(pgids);
  const out = new Set<number>();
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    let st: string;
    try {
      st = fs.readFileSync(`/proc/${n}/stat`, 'latin1');
    } catch {
      continue;
    }
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    if (f[0] !== 'Z' && wanted.has(Number(f[2]))) out.add(Number(f[2]));
  }
  return [...out];
}

async function stackWithChildAgent(t: { after(fn: () => unknown): void }, name: string, ports: [number, number]) {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/plain-many.yaml': WORKFLOW, 'tasks/plain-sleeper.yaml': SLEEPER, 'tasks/stubborn.yaml': STUBBORN });
  const agentOpts = { name, home, listen: `unix://${path.join(home, `${name}.sock`)}`, token: TOKEN, labels: { zone: 'test' }, portRange: ports };
  const agent = { current: await startChildAgent(agentOpts) };
  const stack = await startStack({ home, controller: { agents: [agent.current.address], templateRepos: [repo] } });
  const pids: number[] = [];
  t.after(async () => {
    await stack.stop().catch(() => {});
    await agent.current.kill9();
    for (const p of pids) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
  return { stack, agent, agentOpts, pids };
}

test('EXIT of 200 basic tasks: every process is gone when it returns, all DONE, the node stays UP and a new environment is placed at once', {
  timeout: 180_000,
}, async (t) => {
  const { stack, pids } = await stackWithChildAgent(t, 'busy', [23200, 23299]);
  const c = stack.client;
  const env = await createEnv(c, 'plain-many', { tasks: '200' });
  await mustControl(c, env.id, 'DEPLOY', 120_000);
  const tasks = await listTasks(c, env.id);
  pids.push(...tasks.map((x) => x.pid));
  assert.equal(pids.filter((p) => p > 0).length, 201);

  await mustControl(c, env.id, 'EXIT', 120_000);
  assert.deepEqual(livingGroups(pids), [], 'no task process is alive when EXIT returns');
  const after = await listTasks(c, env.id);
  assert.ok(
    after.every((x) => x.state === 'DONE'),
    'every task DONE',
  );
  const stubborn = after.find((x) => x.name === 'stubborn')!;
  assert.equal(stubborn.exit?.signal, 'SIGKILL', 'the task that ignored SIGTERM took SIGKILL (its exit was seen)');
  assert.ok(
    after.every((x) => x.exit?.exited),
    'every task has its exit recorded (the agent answers EXIT with it)',
  );
  // the tasks left because they were told to: the EXIT does not call them unclean, and each exit is an event
  const { events } = await call<unknown, { events: Event[] }>(c, 'queryEvents', {
    kinds: ['env.transition', 'task.exit', 'task.state'],
    severity: '',
    envId: env.id,
    taskId: '',
    user: '',
    sinceMs: 0,
    untilMs: 0,
    beforeSeq: 0,
    limit: 5000,
    text: '',
  });
  const unclean = events.filter((e) => e.kind === 'env.transition' && e.data.unclean);
  assert.deepEqual(
    unclean.map((e) => e.message),
    [],
    'no task is said to have left EXIT uncleanly',
  );
  const exits = events.filter((e) => e.kind === 'task.exit');
  assert.equal(exits.length, 201, 'one task.exit event per task');
  assert.ok(
    exits.every((e) => e.state === 'DONE' && e.data.expected === 'true'),
    'each exit DONE and expected',
  );
  // the task.exit says the state the EXIT left the task in: no task.state DONE beside it
  assert.deepEqual(
    events.filter((e) => e.kind === 'task.state' && e.state === 'DONE').map((e) => e.taskId),
    [],
    'one event per exiting task, not two',
  );
  const nodes = (await call<unknown, { nodes: Node[] }>(c, 'listNodes', {})).nodes;
  assert.equal(nodes.find((n) => n.name === 'busy')?.up, true, 'the agent stayed UP through the teardown');

  // at once: the node is there to place on
  const next = await createEnv(c, 'plain-many', { tasks: '2' });
  await mustControl(c, next.id, 'DEPLOY', 60_000);
  pids.push(...(await listTasks(c, next.id)).map((x) => x.pid));
  await mustControl(c, next.id, 'EXIT', 60_000);
});

test('destroy while the agent is killed -9 names the tasks awaiting reaping and their node; they are reaped when it is back', {
  timeout: 120_000,
}, async (t) => {
  const { stack, agent, agentOpts, pids } = await stackWithChildAgent(t, 'away', [23300, 23399]);
  const c = stack.client;
  const events = subscribe(c, { kinds: ['env.destroyed', 'node.reaped'] });
  t.after(() => events.stop());
  const env = await createEnv(c, 'plain-many', { tasks: '3' });
  await mustControl(c, env.id, 'DEPLOY');
  const tasks = await listTasks(c, env.id);
  pids.push(...tasks.map((x) => x.pid));
  // the agent writes its task table (tasks.json, what a restarted agent adopts) a few ms after a
  // launch: a kill -9 inside that window would lose the tasks for another reason than this test's
  const table = path.join(agentOpts.home, 'agents', 'away', 'tasks.json');
  await waitFor(() => tasks.every((x) => fs.readFileSync(table, 'utf8').includes(`"pid":${x.pid},`)), 5000, 'tasks.json lists the tasks');
  await agent.current.kill9();
  // within the agent-loss grace its tasks are unreachable (not yet lost): destroy must not wait for it
  await waitFor(async () => (await listTasks(c, env.id)).every((x) => x.unreachable || x.lost), 10_000, 'tasks unreachable');

  const destroyed = await call<unknown, Environment>(c, 'destroyEnvironment', { id: env.id, force: false });
  const awaiting = destroyed.awaitingReap ?? [];
  assert.deepEqual(awaiting.map((x) => x.taskId).sort(), tasks.map((x) => x.id).sort(), 'every task is named as awaiting reaping');
  for (const x of awaiting) {
    assert.equal(x.node, 'away');
    assert.equal(x.pid, tasks.find((y) => y.id === x.taskId)!.pid);
  }
  const ev = await waitFor(() => events.events.find((e) => e.kind === 'env.destroyed' && e.envId === env.id), 5000, 'env.destroyed');
  assert.match(ev.message, new RegExp(`${tasks.length} task\\(s\\) await reaping on away`));
  assert.equal(ev.data.awaitingReap!.split(',').length, tasks.length);
  assert.equal(livingGroups(pids).length, tasks.length, 'they still run while their agent is away');

  agent.current = await startChildAgent(agentOpts);
  await waitFor(() => livingGroups(pids).length === 0, 30_000, 'the tasks reaped once the agent is back');
  const reaped = await waitFor(() => events.events.find((e) => e.kind === 'node.reaped' && e.node === 'away'), 10_000, 'node.reaped');
  assert.equal(reaped.data.reaped!.split(',').length, tasks.length);
});
