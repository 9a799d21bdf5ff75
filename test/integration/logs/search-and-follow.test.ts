// Logs across tasks through the real CLI: a search over an environment's 100 tasks finds the one
// line one task printed, with its task's name; `baton task logs --follow` outlives a kill -9 of
// the controller and then of the agent, and prints every line once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import { call, controlClient, createEnv, listTasks, mustControl, tempHome, tempRepo, waitFor, TOKEN } from '../controller/harness.js';
import { startChildAgent, startChildController, type Child } from '../controller/procs.js';
import { startController } from '../../../core/controller/main.js';
import { BATON, baton, cleanEnv } from '../cli/harness.js';
import { SearchLogsRequest, type SearchLogsReply } from '../../../core/rpc/gen/control.js';

const WORKFLOW = `name: chatter
vars:
  tasks: {type: int, default: 100, min: 1, max: 1000}
roles:
  - name: worker-{{ it }}
    for: {range: "{{ range(0, tasks) }}", var: it}
    task: {class: chatter}
`;
const CHATTER = `name: chatter
control: basic
command: /bin/sh
args: ["-c", "echo \\"hello from $BATON_TASK_NAME\\"; case \\"$BATON_TASK_NAME\\" in *worker-57) echo 'the needle: UNIQUE-LINE-4711';; esac; exec sleep 1000"]
kill: {term: 1s}
`;
const TICKER = `name: ticker
roles:
  - name: ticker
    task: {class: ticker}
`;
const TICKER_CLASS = `name: ticker
control: basic
command: /bin/sh
args: ["-c", "i=0; while true; do i=$((i+1)); echo \\"tick $i\\"; sleep 0.02; done"]
kill: {term: 1s}
`;

test('a search over 100 tasks of an environment finds the one line, named by its task', { timeout: 180_000 }, async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/chatter.yaml': WORKFLOW, 'tasks/chatter.yaml': CHATTER });
  const agents: AgentHandle[] = [];
  for (const i of [1, 2]) {
    agents.push(
      await startAgent({
        name: `node-${i}`,
        home,
        listen: `unix://${home}/agent-${i}.sock`,
        token: TOKEN,
        labels: {},
        portRange: [25000 + i * 100, 25099 + i * 100],
      }),
    );
  }
  const ctl = await startController({
    home,
    listen: `unix://${home}/controller.sock`,
    token: TOKEN,
    agents: agents.map((a) => a.address),
    templateRepos: [repo],
    templatePolicy: { allowLocal: true, trustLocal: true },
  });
  const c = controlClient(ctl.address);
  t.after(async () => {
    c.close();
    await ctl.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    fs.rmSync(home, { recursive: true, force: true });
  });
  const env = await createEnv(c, 'chatter', { tasks: '100' });
  await mustControl(c, env.id, 'DEPLOY', 120_000);
  const tasks = await listTasks(c, env.id);
  assert.equal(tasks.length, 100);
  assert.equal(new Set(tasks.map((x) => x.node)).size, 2, 'the tasks are spread over both agents');
  await waitFor(
    async () =>
      (await call<SearchLogsRequest, SearchLogsReply>(c, 'searchLogs', SearchLogsRequest.fromPartial({ envId: env.id, grep: 'hello from', limit: 1000 })))
        .entries.length === 100,
    30_000,
    'every task has printed its first line',
  );

  const r = await baton(home, ['task', 'logs', `${env.id}/*`, '--grep', 'UNIQUE-LINE', '--since', '10m', '--json'], {
    env: { BATON_CONTROLLER: ctl.address, BATON_TOKEN: TOKEN },
  });
  assert.equal(r.code, 0, r.stderr);
  const reply = JSON.parse(r.stdout) as SearchLogsReply;
  assert.equal(reply.tasks, 100);
  assert.equal(reply.entries.length, 1, r.stdout);
  assert.equal(reply.entries[0]!.text, 'the needle: UNIQUE-LINE-4711');
  assert.equal(reply.entries[0]!.taskName, tasks.find((x) => x.id.endsWith('worker-57'))!.name);
  assert.ok(reply.entries[0]!.timeMs > Date.now() - 600_000, 'the line carries the time the agent saw it');

  const plain = await baton(home, ['task', 'logs', `${env.id}/*57`, '--grep', 'UNIQUE'], { env: { BATON_CONTROLLER: ctl.address, BATON_TOKEN: TOKEN } });
  assert.match(plain.stdout, /worker-57 \| the needle: UNIQUE-LINE-4711/);
  const bad = await baton(home, ['task', 'logs', `${env.id}/*`, '--grep', '(', '--regex'], { env: { BATON_CONTROLLER: ctl.address, BATON_TOKEN: TOKEN } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a regular expression/);
});

test('--follow survives kill -9 of the controller and of the agent: no line lost, none twice', { timeout: 180_000 }, async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/ticker.yaml': TICKER, 'tasks/ticker.yaml': TICKER_CLASS });
  const agentOpts = {
    name: 'node-1',
    home,
    listen: `unix://${path.join(home, 'agent.sock')}`,
    token: TOKEN,
    labels: {},
    portRange: [26100, 26199] as [number, number],
  };
  const ctlOpts = { home, listen: `unix://${home}/controller.sock`, token: TOKEN, templateRepos: [repo] };
  let agent: Child = await startChildAgent(agentOpts);
  let ctl: Child = await startChildController({ ...ctlOpts, agents: [agent.address] });
  let c = controlClient(ctl.address);
  let pgid = 0;
  t.after(async () => {
    c.close();
    await ctl.kill9();
    await agent.kill9();
    if (pgid) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.rmSync(home, { recursive: true, force: true });
  });
  const env = await createEnv(c, 'ticker');
  await mustControl(c, env.id, 'DEPLOY');
  const [task] = await listTasks(c, env.id);
  pgid = task!.pid;

  const cli = spawn(process.execPath, [BATON, 'task', 'logs', task!.id, '--follow', '--from', '0'], {
    env: cleanEnv(home, { BATON_CONTROLLER: ctl.address, BATON_TOKEN: TOKEN }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  cli.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  cli.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const ticks = () => [...out.matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));
  const printedMore = async (than: number) => waitFor(() => ticks().length > than + 20, 30_000, `the follower prints past ${than} lines\n${err}`);
  await printedMore(0);

  c.close();
  await ctl.kill9();
  const beforeController = ticks().length;
  ctl = await startChildController({ ...ctlOpts, agents: [] });
  c = controlClient(ctl.address);
  await printedMore(beforeController);

  await agent.kill9();
  const beforeAgent = ticks().length;
  agent = await startChildAgent(agentOpts);
  await printedMore(beforeAgent);

  const done = new Promise((r) => cli.once('exit', r));
  cli.kill('SIGINT');
  await done;
  const seen = ticks();
  assert.ok(seen.length > beforeAgent, 'lines kept coming after both restarts');
  assert.deepEqual(
    seen,
    seen.map((_, i) => i + 1),
    'every tick once, in order, from the first',
  );
  assert.match(out, /--- start: started, pid \d+ ---/);
  assert.match(out, /--- adopt: agent restarted, task adopted/);
  assert.match(err, /reconnecting/, 'the follower said it lost the stream');
});
