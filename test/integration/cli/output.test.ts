// The CLI against a stand-in controller: --json shapes, progress, structured failures, exit codes,
// and how it finds the controller and token (flag, environment, local state file).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENV_ID, startFakeController, type Fake } from './fake-controller.js';
import { baton, tempHome } from './harness.js';

describe('baton CLI output and exit codes (stand-in controller)', () => {
  let home: string;
  let fake: Fake;
  let env: Record<string, string>;
  before(async () => {
    home = tempHome();
    fake = await startFakeController(home);
    env = { BATON_CONTROLLER: fake.address, BATON_TOKEN: fake.token };
  });
  after(async () => {
    await fake.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('env show --json has the contract fields', async () => {
    const r = await baton(home, ['env', 'show', ENV_ID, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    assert.equal(e.id, ENV_ID);
    assert.equal(e.state, 'CONFIGURED');
    assert.equal(e.runNumber, null);
    assert.equal(e.workflow, 'quick');
    assert.equal(e.tasks.length, 3);
    for (const t of e.tasks) {
      for (const k of ['id', 'name', 'role', 'state', 'node', 'pid', 'critical']) assert.ok(k in t, `task field ${k}`);
    }
    assert.deepEqual(
      e.tasks.map((t: { name: string; critical: boolean }) => [t.name, t.critical]),
      [
        ['alpha', true],
        ['beta', true],
        ['gamma', false],
      ],
    );
    assert.equal(e.root.children.length, 3);
  });

  test('env show prints the role tree with states, nodes and pids', async () => {
    const r = await baton(home, ['env', 'show', ENV_ID], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CONFIGURED/);
    assert.match(r.stdout, /├─ alpha\s+CONFIGURED\s+critical\s+agent-1\s+4101/);
    assert.match(r.stdout, /└─ gamma\s+CONFIGURED\s+-\s+agent-2\s+4103/);
    assert.match(r.stdout, /next: .*START_ACTIVITY/);
  });

  test('a successful transition shows progress, then the outcome with the run number', async () => {
    const r = await baton(home, ['env', 'control', ENV_ID, 'start_activity'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /START_ACTIVITY: 3\/3 tasks/);
    assert.match(r.stdout, /START_ACTIVITY done .*RUNNING \(run 42\)/);
  });

  test('a failed transition exits 1 and names task, node, exit code and last lines', async () => {
    const r = await baton(home, ['env', 'control', ENV_ID, 'CONFIGURE', '--timeout', '10s'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /task alpha/);
    assert.match(r.stderr, /node agent-1/);
    assert.match(r.stderr, /exit code 3/);
    assert.match(r.stderr, /\| cannot open \/dev\/readout0/);
    const req = fake.calls.filter((c) => c.method === 'controlEnvironment').at(-1)!.request as { timeoutMs: number };
    assert.equal(req.timeoutMs, 10_000);
  });

  test('with --json a failure is one structured error document', async () => {
    const r = await baton(home, ['env', 'control', ENV_ID, 'CONFIGURE', '--json'], { env });
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.error.code, 'TASK_FAILED');
    assert.equal(doc.error.taskName, 'alpha');
    assert.equal(doc.error.node, 'agent-1');
    assert.equal(doc.error.exitCode, 3);
    assert.deepEqual(doc.error.lastLines, ['configuring', 'cannot open /dev/readout0']);
  });

  test('an unknown environment id exits 2 naming the id', async () => {
    const r = await baton(home, ['env', 'show', 'env-nosuch'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /env-nosuch/);
    const c = await baton(home, ['env', 'control', 'env-nosuch', 'DEPLOY'], { env });
    assert.equal(c.code, 2);
    assert.match(c.stderr, /env-nosuch/);
  });

  test('a bad template from the controller exits 2 with file:line:col', async () => {
    const r = await baton(home, ['env', 'create', 'broken'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.yaml:3:5/);
  });

  test('usage errors exit 2 before anything is sent', async () => {
    const before = fake.calls.length;
    const cases: [string[], RegExp][] = [
      [['env', 'control', ENV_ID, 'FLY'], /unknown transition "FLY".*DEPLOY/],
      [['env', 'create', 'quick', '--var', 'novalue'], /--var "novalue": expected key=value/],
      [['env', 'control', ENV_ID, 'DEPLOY', '--timeout', 'soon'], /--timeout "soon"/],
      [['task', 'kill', `${ENV_ID}/alpha`, '--signal', 'SIGFOO'], /--signal "SIGFOO"/],
      [['env', 'nosuchcommand'], /unknown command/],
      [['env', 'show'], /missing required argument/],
    ];
    for (const [args, re] of cases) {
      const r = await baton(home, args, { env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    assert.equal(fake.calls.length, before, 'nothing reached the controller');
  });

  test('a wrong token is refused: exit 1', async () => {
    const r = await baton(home, ['env', 'list'], { env: { ...env, BATON_TOKEN: 'wrong' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /UNAUTHENTICATED/);
  });

  test('no controller configured: exit 1 with what to do', async () => {
    const empty = tempHome();
    const r = await baton(empty, ['env', 'list']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /baton local up/);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  test('an unreachable controller: exit 1, UNAVAILABLE', async () => {
    const r = await baton(home, ['env', 'list', '--controller', `unix://${home}/nobody.sock`], { env: { BATON_TOKEN: 't' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /UNAVAILABLE/);
  });

  test('the local state file gives address and token; --controller overrides it', async () => {
    const h = tempHome();
    fs.mkdirSync(path.join(h, 'local'));
    fs.writeFileSync(
      path.join(h, 'local', 'state.json'),
      JSON.stringify({
        version: 1,
        home: h,
        startedMs: Date.now(),
        token: fake.token,
        controller: { address: fake.address, pid: 0, log: '', argv: [] },
        agents: [],
        simAgents: [],
      }),
    );
    const r = await baton(h, ['env', 'list', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].id, ENV_ID);
    const o = await baton(h, ['--controller', `unix://${h}/elsewhere.sock`, 'env', 'list']);
    assert.equal(o.code, 1);
    fs.rmSync(h, { recursive: true, force: true });
  });

  test('task list and task kill', async () => {
    const l = await baton(home, ['task', 'list', '--env', ENV_ID, '--json'], { env });
    assert.equal(l.code, 0, l.stderr);
    assert.equal(JSON.parse(l.stdout).find((t: { name: string }) => t.name === 'alpha').pid, 4101);
    const k = await baton(home, ['task', 'kill', `${ENV_ID}/alpha`, '--signal', 'term'], { env });
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stdout, /SIGTERM .*4101/);
    assert.equal((fake.calls.at(-1)!.request as { signal: string }).signal, 'SIGTERM');
    const u = await baton(home, ['task', 'kill', `${ENV_ID}/nobody`], { env });
    assert.equal(u.code, 2);
  });

  test('events replays the stored events and returns', async () => {
    const r = await baton(home, ['events', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).map((e: { seq: number }) => e.seq),
      [1, 2, 3],
    );
  });
});
