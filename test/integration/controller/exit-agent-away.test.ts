// EXIT with the agent away when the kill is due (docs/reliability.md, "EXIT with an agent away",
// fault 149 of the chaos suite's first replay): the agent is stopped (SIGSTOP) as the EXIT begins,
// so that its tasks' EXIT and kill cannot reach it, then killed -9 and started again only after
// the agent-loss grace. The controller must not call the tasks DONE while their processes run: the
// EXIT names them as awaiting reaping on their node and keeps them lost; the agent back, its Hello
// reaps them, they turn DONE and a node.reaped event says so. Before the fix they were DONE ("did
// not EXIT cleanly and were killed") while they ran. Real controller, agent in its own process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Environment, Node, Task } from '../../../core/rpc/gen/control.js';
import { scanTaskProcesses } from '../../support/task-processes.js';
import { agentPorts, call, control, createEnv, listTasks, mustControl, startStack, subscribe, tempHome, tempRepo, TOKEN, waitFor } from './harness.js';
import { startChildAgent, type Child } from './procs.js';
import { baton } from '../cli/harness.js';

const GRACE_MS = 2000;

const WORKFLOW = `
name: mixed
roles:
  - name: reader
    task: {class: demo, critical: true}
  - name: sleeper-{{ it }}
    for: {range: "{{ range(0, 2) }}", var: it}
    task: {class: sleeper}
`;
const DEMO = `
name: demo
control: controlled
command: "{{ baton.node }}"
args: ["{{ baton.root }}/dist/assets/programs/demo-task.js"]
kill: {control_exit: 2s, term: 2s}
`;
const SLEEPER = `
name: sleeper
control: basic
command: /bin/sleep
args: ["1000"]
kill: {term: 2s}
`;

/** the tasks the controller calls DONE whose process still runs */
function doneButRunning(tasks: readonly Task[]): string[] {
  return tasks.filter((x) => x.state === 'DONE' && scanTaskProcesses(x.id).length > 0).map((x) => x.name);
}

test('EXIT with the agent away at its kill step: tasks await reaping, lost not DONE; reaped and DONE when the agent is back', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/mixed.yaml': WORKFLOW, 'tasks/demo.yaml': DEMO, 'tasks/sleeper.yaml': SLEEPER });
  const agentOpts = { name: 'daq', home, listen: `unix://${path.join(home, 'daq.sock')}`, token: TOKEN, labels: { zone: 'test' }, portRange: agentPorts(7) };
  let agent: Child = await startChildAgent(agentOpts);
  const stack = await startStack({ home, controller: { agents: [agent.address], agentLossGraceMs: GRACE_MS, heartbeatTimeoutMs: 1500 } });
  const ids: string[] = [];
  t.after(async () => {
    await stack.stop().catch(() => {});
    try {
      agent.proc.kill('SIGCONT');
    } catch {
      /* gone */
    }
    await agent.kill9();
    for (const id of ids) for (const pid of scanTaskProcesses(id)) process.kill(pid, 'SIGKILL');
  });
  const c = stack.client;
  const events = subscribe(c, { kinds: ['env.transition', 'node.reaped', 'node.down'] });
  t.after(() => events.stop());
  const env = await createEnv(c, 'mixed', {}, repo);
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const tasks = await listTasks(c, env.id);
  ids.push(...tasks.map((x) => x.id));
  assert.equal(tasks.length, 3);

  // the agent stops as the EXIT begins: it still counts as up, so the EXIT is accepted, and its
  // heartbeat timeout makes it unreachable before the kill step
  const pid = agent.proc.pid!;
  process.kill(pid, 'SIGSTOP');
  const final = (await control(c, env.id, 'EXIT', 30_000)).at(-1)!;
  assert.ok(final.final && final.ok, `EXIT ends DONE with its agent away: ${JSON.stringify(final.error)}`);
  assert.equal(final.state, 'DONE');
  await agent.kill9(); // the EXIT it was sent is never read
  for (const x of tasks) assert.equal(scanTaskProcesses(x.id).length, 1, `${x.name} still runs, its agent away`);

  const after = await listTasks(c, env.id);
  assert.deepEqual(doneButRunning(after), [], 'no task is DONE while its process runs');
  assert.ok(
    after.every((x) => x.lost && x.state !== 'DONE'),
    `every task lost in its last state: ${after.map((x) => `${x.name} ${x.state}${x.lost ? ' lost' : ''}`).join(', ')}`,
  );
  const said = await waitFor(
    () => events.events.find((e) => e.kind === 'env.transition' && e.envId === env.id && e.data.awaitingReap),
    5000,
    'awaiting-reap event',
  );
  assert.match(said.message, /^3 task\(s\) on node daq await reaping: its agent is away/);
  assert.deepEqual(said.data.awaitingReap!.split(',').sort(), tasks.map((x) => `daq:${x.id}`).sort());
  const shown = await call<unknown, Environment>(c, 'getEnvironment', { id: env.id, withTasks: false });
  assert.deepEqual(
    shown.awaitingReap.map((x) => `${x.node}:${x.taskName}:${x.pid}`).sort(),
    tasks.map((x) => `daq:${x.name}:${x.pid}`).sort(),
    'the environment lists them',
  );
  // what an operator reads: `baton env show` lists them with their node and pid
  const show = await baton(home, ['env', 'show', env.id], { env: { BATON_CONTROLLER: stack.ctl.address, BATON_TOKEN: TOKEN } });
  assert.equal(show.code, 0, show.stderr);
  for (const x of tasks) assert.ok(show.stdout.includes(`awaiting reaping on daq: ${x.name} (pid ${x.pid})`), show.stdout);
  assert.ok(!events.events.some((e) => e.kind === 'env.transition' && e.envId === env.id && e.data.unclean), 'none is said to have been killed');

  // back only after the agent-loss grace: nothing relaunched or restarted meanwhile
  await waitFor(() => events.events.find((e) => e.kind === 'node.down' && e.node === 'daq'), 15_000, 'node.down after the grace');
  const meanwhile = await listTasks(c, env.id);
  assert.deepEqual(
    meanwhile.map((x) => x.pid),
    tasks.map((x) => x.pid),
    'no task relaunched',
  );
  assert.deepEqual(doneButRunning(meanwhile), []);
  agent = await startChildAgent(agentOpts);
  await waitFor(() => tasks.every((x) => scanTaskProcesses(x.id).length === 0), 30_000, 'every process reaped once the agent is back');
  const done = await waitFor(
    async () => {
      const xs = await listTasks(c, env.id);
      return xs.every((x) => x.state === 'DONE' && !x.lost) && xs;
    },
    10_000,
    'every task DONE',
  );
  assert.ok(
    done.every((x) => x.exit?.exited),
    'each DONE after its exit was seen',
  );
  const reaped = await waitFor(() => events.events.find((e) => e.kind === 'node.reaped' && e.node === 'daq'), 10_000, 'node.reaped');
  assert.equal(reaped.data.reaped!.split(',').length, 3);
  assert.deepEqual((await call<unknown, Environment>(c, 'getEnvironment', { id: env.id, withTasks: false })).awaitingReap, [], 'settled');
  const nodes = (await call<unknown, { nodes: Node[] }>(c, 'listNodes', {})).nodes;
  assert.equal(nodes.find((n) => n.name === 'daq')?.up, true);
});
