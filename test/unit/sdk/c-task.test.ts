// The C task SDK (sdk/c, built by scripts/build-c.sh) against the agent's real grpc-js control
// server: the C demo task dials in, says hello, answers transitions (a refused one, a failing one,
// big arguments), comes back after its connection is cut, is refused with a wrong token, and
// leaves after EXIT. Skipped, saying so, where no C compiler built it.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlServer, exitOf, until } from './control-fixture.js';

const C_DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sdk/c/demo_task');
const skip = fs.existsSync(C_DEMO) ? false : `${C_DEMO} was not built (scripts/build-c.sh builds it on Linux with a C compiler)`;

async function server(t: TestContext, token = 'secret') {
  const { server: s, got } = await controlServer(t, { authorize: (id, tk) => id === 'task-1' && tk === token });
  const start = (tk: string) => {
    const p = spawn(C_DEMO, [], {
      env: { ...process.env, BATON_CONTROL: s.address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: tk, BATON_TASK_NAME: 'cdemo' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => p.kill('SIGKILL'));
    return { p, exited: exitOf(p) };
  };
  return { got, start };
}

test('a C task says hello, answers every transition by the state machine, and leaves after EXIT', { skip }, async (t) => {
  const { got, start } = await server(t);
  const { p, exited } = start('secret');
  await until(() => got.hellos.length === 1, 'hello');
  assert.deepEqual({ ...got.hellos[0]!, pid: got.hellos[0]!.pid === p.pid }, { taskId: 'task-1', token: 'secret', pid: true, state: 'STANDBY' });
  const conn = got.conns[0]!;
  let seq = 0;
  const ask = async (event: string, args: Record<string, string> = {}) => {
    const n = got.replies.length;
    conn.send({ seq: ++seq, event, args, deadlineMs: 5000 });
    await until(() => got.replies.length > n, `the reply to ${event}`);
    const r = got.replies[n]!;
    return [r.seq, r.ok, r.state, r.error];
  };
  assert.deepEqual(await ask('CONFIGURE', { note: 'ünïcødé', big: 'x'.repeat(40_000), fail_on: 'STOP' }), [1, true, 'CONFIGURED', '']);
  assert.deepEqual(await ask('START', { run_number: '12' }), [2, true, 'RUNNING', '']);
  assert.deepEqual(await ask('RESET'), [3, false, 'RUNNING', 'RESET is not allowed from RUNNING']);
  assert.deepEqual(await ask('BOGUS'), [4, false, 'RUNNING', 'unknown event BOGUS']);
  assert.deepEqual(await ask('STOP'), [5, false, 'ERROR', 'cdemo was told to fail at STOP']);
  assert.deepEqual(await ask('RECOVER'), [6, true, 'STANDBY', '']);
  // many transitions: past the 64 KB the agent may send before the task gives its window back
  for (let i = 0; i < 300; i++) {
    assert.deepEqual((await ask(i % 2 ? 'RESET' : 'CONFIGURE', { pad: 'p'.repeat(300) })).slice(1, 3), [true, i % 2 ? 'STANDBY' : 'CONFIGURED']);
  }
  assert.deepEqual(await ask('EXIT'), [seq, true, 'DONE', '']);
  const r = await exited;
  assert.equal(r.code, 0);
  assert.match(r.stdout, /cdemo: started, pid \d+\ncdemo: CONFIGURE done\ncdemo: START done\ncdemo: failing STOP \(fail_on\)\ncdemo: RECOVER done\n/);
});

test('a C task whose connection is cut dials again and says hello with its state', { skip }, async (t) => {
  const { got, start } = await server(t);
  start('secret');
  await until(() => got.hellos.length === 1, 'hello');
  got.conns[0]!.send({ seq: 1, event: 'CONFIGURE', args: {}, deadlineMs: 5000 });
  await until(() => got.replies.length === 1, 'the reply');
  got.conns[0]!.end(); // the agent ends the call, as a restarting agent's socket does
  await until(() => got.hellos.length === 2, 'a second hello');
  assert.equal(got.hellos[1]!.state, 'CONFIGURED');
});

test('a C task the agent refuses (wrong token) says so and leaves with exit 1', { skip }, async (t) => {
  const { got, start } = await server(t);
  const r = await start('guess').exited;
  assert.equal(r.code, 1);
  assert.equal(got.refused, 3);
  assert.match(r.stderr, /cdemo: the agent refused this task \(task task-1: 3 hellos without a welcome\); leaving/);
});

test("without the agent's variables, or with an address it cannot dial, it says what is wrong and exits 2", { skip }, async () => {
  const env = { ...process.env };
  delete env.BATON_CONTROL;
  const r = await exitOf(spawn(C_DEMO, [], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /runs under a baton agent: BATON_CONTROL, BATON_TASK_ID and BATON_TASK_TOKEN must be set/);
  // an address it can never dial is said at once, not retried forever
  for (const bad of ['unix://relative/task.sock', 'no-port', `unix:///${'x'.repeat(200)}`]) {
    const b = await exitOf(
      spawn(C_DEMO, [], { env: { ...process.env, BATON_CONTROL: bad, BATON_TASK_ID: 't', BATON_TASK_TOKEN: 'x' }, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    assert.equal(b.code, 2, bad);
    assert.ok(b.stderr.includes(`BATON_CONTROL ${bad}: expected unix:///absolute/path or host:port`), b.stderr);
  }
});
