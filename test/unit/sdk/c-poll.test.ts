// The C task SDK's pollable API (baton_open, baton_fd, baton_timeout, baton_dispatch, baton_event,
// baton_error) against the agent's real grpc-js control server, through test/unit/sdk/c/poll_task.c:
// a readout loop that polls its control descriptor beside its "detector" (stdin). And the C
// conformance task (sdk/c/conformance_task.c), which the cross-SDK suite runs. Skipped, saying so,
// where scripts/build-c.sh did not build them (not Linux, or no C compiler).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlServer, tmpDir, until, type Recorded } from './control-fixture.js';
import type { TaskConn } from '../../../core/agent/process/control-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const POLL_TASK = path.join(here, 'c', 'poll_task');
const CONFORMANCE_TASK = path.resolve(here, '../../../sdk/c/conformance_task');
const built = (p: string) => (fs.existsSync(p) ? false : `${p} was not built (scripts/build-c.sh builds it on Linux with a C compiler)`);

/** the child's exit code and all it wrote: on 'close', once its pipes are drained ('exit' may come first) */
function finished(p: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  p.stdout?.on('data', (d) => (stdout += d));
  p.stderr?.on('data', (d) => (stderr += d));
  return new Promise((r) => p.once('close', (code) => r({ code, stdout, stderr })));
}

function start(t: TestContext, program: string, address: string, env: Record<string, string> = {}) {
  const p = spawn(program, [], {
    env: { ...process.env, BATON_CONTROL: address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret', BATON_TASK_NAME: 'reader', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  t.after(() => p.kill('SIGKILL'));
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  return { p, exited: finished(p), stdout: () => out };
}

/** sends transitions on `conn` and returns each reply as [ok, state, error] */
function asker(got: Recorded, conn: () => TaskConn) {
  let seq = 0;
  return async (event: string, args: Record<string, string> = {}) => {
    const n = got.replies.length;
    conn().send({ seq: ++seq, event, args, deadlineMs: 5000 });
    await until(() => got.replies.length > n, `the reply to ${event}`);
    const r = got.replies[n]!;
    assert.equal(r.seq, seq);
    return [r.ok, r.state, r.error];
  };
}

test('a readout loop sends events, reports a spontaneous error, and after EXIT half-closes and works on until it leaves with 0', {
  skip: built(POLL_TASK),
}, async (t) => {
  const { server, got } = await controlServer(t);
  const { p, exited, stdout } = start(t, POLL_TASK, server.address);
  await until(() => got.hellos.length === 1, 'hello');
  const ask = asker(got, () => got.conns[0]!);
  assert.deepEqual(await ask('CONFIGURE'), [true, 'CONFIGURED', '']);
  assert.deepEqual(await ask('START', { run_number: '7' }), [true, 'RUNNING', '']);
  p.stdin!.write('event readout first 1000 events\n');
  await until(() => got.events.length === 1, 'the event');
  assert.deepEqual(got.events[0], { kind: 'readout', message: 'first 1000 events', data: { source: 'stdin' } });
  p.stdin!.write('error link to the detector lost\n');
  await until(() => got.events.length === 2, 'the error');
  assert.deepEqual(got.events[1], { kind: 'INTERNAL_ERROR', message: 'link to the detector lost', data: {} });
  await until(() => stdout().includes('poll: error reported (sent), state ERROR'), 'the task in ERROR');
  // from ERROR only EXIT and RECOVER are allowed
  assert.deepEqual(await ask('STOP'), [false, 'ERROR', 'STOP is not allowed from ERROR']);
  assert.deepEqual(await ask('EXIT'), [true, 'DONE', '']);
  // the task ended its side of the call and is still running: its loop has returned
  await until(() => got.closed === 1, 'the task half-closing its stream');
  await until(() => stdout().includes('poll: left the agent (status 1, state DONE)'), 'the loop to return');
  assert.equal(p.exitCode, null, 'the program still runs after its EXIT reply');
  p.stdin!.write('event late data\n');
  p.stdin!.end();
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.match(stdout(), /poll: after EXIT: event late data\n$/);
  assert.equal(got.hellos.length, 1, 'no dial after EXIT');
  assert.equal(got.events.length, 2);
});

test('the loop follows its task across a re-dial: a new descriptor, and the hello says ERROR after a spontaneous error', {
  skip: built(POLL_TASK),
}, async (t) => {
  const { server, got } = await controlServer(t);
  const { p, stdout } = start(t, POLL_TASK, server.address);
  await until(() => got.hellos.length === 1, 'hello');
  const ask = asker(got, () => got.conns.at(-1)!);
  assert.deepEqual(await ask('CONFIGURE'), [true, 'CONFIGURED', '']);
  p.stdin!.write('error crate 3 lost power\n');
  await until(() => got.events.length === 1, 'the error');
  got.conns[0]!.end(); // the agent ends the call, as a restarting agent's socket does
  await until(() => got.hellos.length === 2, 'a second hello');
  assert.equal(got.hellos[1]!.state, 'ERROR');
  assert.deepEqual(await ask('RECOVER'), [true, 'STANDBY', '']);
  assert.deepEqual(await ask('CONFIGURE'), [true, 'CONFIGURED', '']);
  // the loop polled the descriptor it had, then none while between calls, then the new one
  const fds = [...stdout().matchAll(/poll: control fd (-?\d+)/g)].map((m) => Number(m[1]));
  assert.ok(fds.length >= 3 && fds[0]! >= 0 && fds.includes(-1) && fds.at(-1)! >= 0, `descriptors: ${fds.join(', ')}`);
});

test("baton_open without the agent's variables returns NULL with the reason, and refusals end the loop with exit 1", { skip: built(POLL_TASK) }, async (t) => {
  const env = { ...process.env };
  delete env.BATON_TASK_TOKEN;
  const r = await finished(spawn(POLL_TASK, [], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(r.code, 2);
  assert.match(r.stdout, /poll: baton_open failed \(EINVAL\): this program is a Baton controlled task and runs under a baton agent/);
  assert.match(r.stderr, /BATON_CONTROL, BATON_TASK_ID and BATON_TASK_TOKEN must be set/);
  const { server, got } = await controlServer(t, { authorize: () => false });
  const refused = await start(t, POLL_TASK, server.address).exited;
  assert.equal(refused.code, 1);
  assert.equal(got.refused, 3);
  assert.match(refused.stdout, /poll: left the agent \(status 3, state STANDBY\)/);
  assert.match(refused.stderr, /reader: the agent refused this task \(task task-1: 3 hellos without a welcome\); leaving/);
});

test('an event sent while no agent is reached is not sent (ENOTCONN), and the loop keeps dialling', { skip: built(POLL_TASK) }, async (t) => {
  const nowhere = path.join(tmpDir(t, 'baton-nowhere-'), 'task.sock'); // no agent (yet)
  // a grace of 0 waits for an agent for good, even before a first welcome (docs/tasks.md)
  const { p, stdout } = start(t, POLL_TASK, `unix://${nowhere}`, { BATON_ORPHAN_GRACE_MS: '0' });
  p.stdin!.write('event readout lost\n');
  await until(() => stdout().includes('poll: readout not sent: ENOTCONN'), 'the refusal to send');
  assert.match(stdout(), /^poll: control fd -1\n/);
  // the agent comes up at that address: the loop, waiting at most baton_timeout() at a time, dials it
  const { got } = await controlServer(t, { socketPath: nowhere });
  await until(() => got.hellos.length === 1, 'a hello once the agent is there');
  p.stdin!.write('event readout back\n');
  await until(() => got.events.length === 1, 'the event');
  assert.equal(got.events[0]!.message, 'back');
});

test('the C conformance task prints what it gets, sends its event on START, fails on request, and leaves after EXIT', {
  skip: built(CONFORMANCE_TASK),
}, async (t) => {
  const { server, got } = await controlServer(t);
  const { exited } = start(t, CONFORMANCE_TASK, server.address, { CONFORMANCE_FAIL: 'STOP', CONFORMANCE_LINGER_MS: '200' });
  await until(() => got.hellos.length === 1, 'hello');
  const ask = asker(got, () => got.conns[0]!);
  assert.deepEqual(await ask('CONFIGURE', { zeta: 'last', alpha: 'first', 'chan.out.bind': 'ipc:///tmp/x' }), [true, 'CONFIGURED', '']);
  assert.deepEqual(await ask('START', { run_number: '42' }), [true, 'RUNNING', '']);
  assert.deepEqual(got.events, [{ kind: 'conformance', message: 'run 42', data: {} }]);
  assert.deepEqual(await ask('STOP'), [false, 'ERROR', 'asked to fail STOP']);
  assert.deepEqual(await ask('EXIT'), [true, 'DONE', '']);
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    ['got CONFIGURE', 'arg alpha=first', 'arg chan.out.bind=ipc:///tmp/x', 'arg zeta=last', 'got START', 'run_number=42', 'got STOP', 'got EXIT', 'leaving', '']
      .map((l) => (l ? `conformance: ${l}` : ''))
      .join('\n'),
  );
  assert.equal(got.closed, 1);
  assert.equal(got.hellos.length, 1);
});

test('the C conformance task whose EXIT fails answers ERROR, half-closes, and leaves with 1', { skip: built(CONFORMANCE_TASK) }, async (t) => {
  const { server, got } = await controlServer(t);
  const { exited } = start(t, CONFORMANCE_TASK, server.address, { CONFORMANCE_FAIL: 'EXIT' });
  await until(() => got.hellos.length === 1, 'hello');
  assert.deepEqual(await asker(got, () => got.conns[0]!)('EXIT'), [false, 'ERROR', 'asked to fail EXIT']);
  const r = await exited;
  assert.equal(r.code, 1);
  assert.match(r.stdout, /conformance: got EXIT\nconformance: leaving\n$/);
  assert.equal(got.hellos.length, 1, 'no dial after EXIT');
});
