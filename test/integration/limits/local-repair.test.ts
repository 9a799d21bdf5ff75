// `baton local up` repairs a local stack whose controller or one agent was killed -9: it
// restarts only that process (same home, token and sockets), the environment is still RUNNING
// with the same run number, and its tasks are the same processes. `local status` names the
// dead process and the repair command.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localStack, pollUntil, sleep, tempHome, type LocalStack } from '../cli/harness.js';

const WORKFLOW = `name: steady
description: four demo tasks, none critical (losing one agent's share does not end the run)
roles:
  - name: t-{{ it }}
    for: {range: 4}
    task: {class: demo, critical: false}
`;

interface TaskRow {
  id: string;
  pid: number;
  state: string;
  node: string | null;
  lost: boolean;
}
interface EnvRow {
  id: string;
  state: string;
  runNumber: number | null;
}
interface StateFile {
  token: string;
  controller: { pid: number; address: string };
  agents: { name: string; pid: number }[];
}

describe('baton local up repairs a stack', () => {
  let stack: LocalStack;
  let envId = '';
  let runNumber = 0;
  let taskPids = new Map<string, number>();
  const stateOf = (): StateFile => JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8'));
  const tasks = () => stack.json<TaskRow[]>(['task', 'list', '--env', envId]);
  const envOf = async () => (await stack.json<EnvRow[]>(['env', 'list'])).find((e) => e.id === envId);

  before(async () => {
    const repo = path.join(tempHome(), 'repo');
    fs.mkdirSync(path.join(repo, 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'workflows', 'steady.yaml'), WORKFLOW);
    stack = await localStack(['--agents', '2', '--repo', repo]);
    envId = (await stack.json<{ id: string }>(['env', 'create', 'steady'])).id;
    for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) await stack.ok(['env', 'control', envId, t]);
    const env = await envOf();
    assert.equal(env?.state, 'RUNNING');
    runNumber = env!.runNumber!;
    const rows = await tasks();
    assert.equal(rows.length, 4);
    assert.deepEqual(new Set(rows.map((t) => t.node)).size, 2, 'the tasks are spread over both agents');
    taskPids = new Map(rows.map((t) => [t.id, t.pid]));
  });
  after(async () => {
    await stack.down();
    fs.rmSync(stack.home, { recursive: true, force: true });
  });

  const assertRunKept = async () => {
    const env = await envOf();
    assert.equal(env?.state, 'RUNNING', 'the environment is still RUNNING');
    assert.equal(env?.runNumber, runNumber, 'with the same run number');
    const back = await pollUntil(tasks, (rows) => rows.every((t) => !t.lost && t.state === 'RUNNING'), 30_000);
    assert.ok(back.met, `every task is back and RUNNING: ${JSON.stringify(back.value)}`);
    assert.deepEqual(new Map(back.value.map((t) => [t.id, t.pid])), taskPids, 'the tasks are the same processes');
  };

  test('on a healthy stack, up says it is already up (exit 0) and changes nothing', async () => {
    const before = stateOf();
    const r = await stack.run(['local', 'up']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /already up/);
    assert.deepEqual(stateOf(), before);
  });

  test('controller killed -9: status names it, up restarts only the controller, the run goes on', async () => {
    const before = stateOf();
    process.kill(before.controller.pid, 'SIGKILL');
    await sleep(200);
    const status = await stack.run(['local', 'status']);
    assert.equal(status.code, 1);
    assert.match(status.stderr, new RegExp(`controller \\(pid ${before.controller.pid}\\)`));
    assert.match(status.stderr, /baton local up/);
    const st = await stack.json<{ dead: { what: string; pid: number }[]; repair: string }>(['local', 'status']).catch(() => null);
    if (st) assert.deepEqual(st.dead, [{ what: 'controller', pid: before.controller.pid }]);

    const up = await stack.run(['local', 'up'], { timeoutMs: 120_000 });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /restarted controller \(pid \d+ -> \d+\)/);
    assert.doesNotMatch(up.stdout, /agent-/, 'no agent was restarted');
    const after = stateOf();
    assert.notEqual(after.controller.pid, before.controller.pid);
    assert.equal(after.token, before.token, 'same token');
    assert.equal(after.controller.address, before.controller.address, 'same socket');
    assert.deepEqual(
      after.agents.map((a) => a.pid),
      before.agents.map((a) => a.pid),
      'the agents were left alone',
    );
    await assertRunKept();
  });

  test('one agent killed -9: status names it, up restarts only that agent, its tasks are re-adopted', async () => {
    const before = stateOf();
    const victim = before.agents[1]!;
    process.kill(victim.pid, 'SIGKILL');
    await sleep(200);
    const status = await stack.run(['local', 'status']);
    assert.match(status.stdout + status.stderr, new RegExp(`${victim.name} \\(pid ${victim.pid}\\)`));
    assert.match(status.stdout + status.stderr, /baton local up/);

    const up = await stack.run(['local', 'up'], { timeoutMs: 120_000 });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`restarted ${victim.name} \\(pid ${victim.pid} -> \\d+\\)`));
    assert.doesNotMatch(up.stdout, /controller \(pid/, 'the controller was not restarted');
    const after = stateOf();
    assert.equal(after.controller.pid, before.controller.pid);
    assert.equal(after.agents[0]!.pid, before.agents[0]!.pid);
    assert.notEqual(after.agents[1]!.pid, victim.pid);
    await assertRunKept();
  });
});
