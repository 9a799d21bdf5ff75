// Local mode through the real CLI: `local up` starts a controller and agents as background
// processes and returns when they are ready; `local status`; `local down` leaves no process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baton, localStack, logsOf, procsOf, sleep, tempHome, type LocalStack } from './harness.js';

describe('baton local up / status / down', () => {
  let stack: LocalStack;
  let downDone = false;
  before(async () => {
    stack = await localStack(['--agents', '3']);
  });
  after(async () => {
    if (!downDone) await stack.down();
    fs.rmSync(stack.home, { recursive: true, force: true });
  });

  test('up starts a controller and the agents, with zone and host labels', async () => {
    const st = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8'));
    assert.match(st.controller.address, /^unix:\/\/.*\/local\/controller\.sock$/);
    assert.equal(fs.statSync(path.join(stack.home, 'local', 'state.json')).mode & 0o077, 0, 'state.json (it holds the token) is private');
    const nodes = await stack.json<{ name: string; up: boolean; labels: Record<string, string> }[]>(['node', 'list']);
    const byName = new Map(nodes.map((n) => [n.name, n]));
    assert.deepEqual([...byName.keys()].sort(), ['agent-1', 'agent-2', 'agent-3']);
    assert.ok(
      nodes.every((n) => n.up),
      'every agent is up when local up returns',
    );
    assert.equal(byName.get('agent-1')!.labels.zone, 'upstream');
    assert.equal(byName.get('agent-2')!.labels.zone, 'upstream');
    assert.equal(byName.get('agent-3')!.labels.zone, 'downstream');
    assert.equal(byName.get('agent-1')!.labels.host, os.hostname());
  });

  test('status says what runs', async () => {
    const st = await stack.json<{ running: boolean; nodes: { up: number; total: number } }>(['local', 'status']);
    assert.equal(st.running, true);
    assert.deepEqual(st.nodes, { up: 3, total: 3 });
    const text = await stack.ok(['local', 'status']);
    assert.match(text.stdout, /nodes\s+3\/3 up/);
  });

  test('a second up says the stack is already up (exit 0) and leaves it alone', async () => {
    const r = await stack.run(['local', 'up']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /already up/);
    const st = await stack.json<{ running: boolean }>(['local', 'status']);
    assert.equal(st.running, true);
  });

  test('bad flags exit 2 naming the flag', async () => {
    const r = await stack.run(['local', 'up', '--agents', 'many']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--agents/);
    const s = await stack.run(['local', 'up', '--sim-tasks', '10']);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /--sim-tasks/);
  });

  test('down stops everything and leaves no process behind', async () => {
    const pids = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8'));
    assert.ok(procsOf(stack.home).length >= 4, 'controller and agents run before down');
    const { result, left } = await stack.down();
    downDone = true;
    assert.equal(result.code, 0, result.stderr + logsOf(stack.home));
    assert.deepEqual(left, [], 'no process of this home is left');
    assert.ok(!fs.existsSync(path.join(stack.home, 'local', 'state.json')));
    assert.match(result.stdout, /is down/);
    for (const p of [pids.controller.pid, ...pids.agents.map((a: { pid: number }) => a.pid)]) {
      assert.ok(!fs.existsSync(`/proc/${p}`) || fs.readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z'), `pid ${p} is gone`);
    }
    const st = await stack.run(['local', 'status']);
    assert.equal(st.code, 1);
    assert.match(st.stderr, /no local stack is running/);
    const again = await stack.run(['local', 'down']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /no local stack was running/);
  });
});

describe('baton local up failing to start', () => {
  test('an agent that cannot start: clear error naming it, everything stopped, no state left', async () => {
    const home = tempHome();
    // a file where the agents' directory should be: the agent cannot create its state directory
    fs.writeFileSync(path.join(home, 'agents'), 'not a directory');
    try {
      const r = await baton(home, ['local', 'up', '--agents', '2', '--timeout', '30s']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /agent agent-\d/);
      assert.match(r.stderr, /local\/agent-\d\.log/, 'points at the log');
      assert.ok(!fs.existsSync(path.join(home, 'local', 'state.json')));
      assert.deepEqual(procsOf(home), []);
    } finally {
      await baton(home, ['local', 'down']);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('baton local down after a crash', () => {
  test('the controller killed with tasks running: status says so, down still leaves nothing', async () => {
    const stack = await localStack(['--agents', '1']);
    try {
      const env = await stack.json<{ id: string }>(['env', 'create', 'quick']);
      await stack.ok(['env', 'control', env.id, 'DEPLOY']);
      const tasks = await stack.json<{ pid: number }[]>(['task', 'list', '--env', env.id]);
      assert.equal(tasks.length, 3);
      const st = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8'));
      process.kill(st.controller.pid, 'SIGKILL');
      await sleep(300);
      const status = await stack.run(['local', 'status']);
      assert.equal(status.code, 1);
      assert.match(status.stderr, /does not answer/);
      assert.match(status.stderr, /baton local up/, 'status gives the repair command');
      const { result, left } = await stack.down();
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(left, [], 'agents and the task processes are gone');
      for (const t of tasks)
        assert.ok(!fs.existsSync(`/proc/${t.pid}/cmdline`) || fs.readFileSync(`/proc/${t.pid}/stat`, 'utf8').includes(') Z'), `task pid ${t.pid} is gone`);
    } finally {
      await stack.down();
      fs.rmSync(stack.home, { recursive: true, force: true });
    }
  });

  test('a home too long for unix sockets is refused before anything starts', async () => {
    const home = path.join(tempHome(), 'x'.repeat(90));
    const r = await baton(home, ['local', 'up']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /too long for unix sockets/);
    assert.deepEqual(procsOf(home), []);
    fs.rmSync(path.dirname(home), { recursive: true, force: true });
  });
});
