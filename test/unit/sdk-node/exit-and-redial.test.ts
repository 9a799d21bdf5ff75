// The Node SDK's protocol behaviour against the agent's real control server
// (core/agent/process/control-server.ts), with the conformance task (sdk/node/examples): after its
// EXIT reply a task half-closes its call (the agent sees the call end while the task still runs,
// doing its last work) and does not dial again; a task whose agent is replaced on the same socket
// dials again and says hello with the state it is in.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlServer, exitOf, tmpDir, until } from '../sdk/control-fixture.js';
import type { TaskConn } from '../../../core/agent/process/control-server.js';

const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sdk/node/examples/conformance-task.js');

function startTask(t: TestContext, address: string, env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [CONFORMANCE], {
    env: { ...process.env, BATON_CONTROL: address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret', BATON_TASK_NAME: 'node-task', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => p.kill('SIGKILL'));
  return { p, exited: exitOf(p) };
}

const transition = (conn: TaskConn, seq: number, event: string, args: Record<string, string> = {}) => conn.send({ seq, event, args, deadlineMs: 5000 });

test('after its EXIT reply a task half-closes its call, does not dial again, and leaves with 0', async (t) => {
  const { server, got } = await controlServer(t);
  // the task stays 3 s after its reply: its call must be over well before it leaves
  const { p, exited } = startTask(t, server.address, { CONFORMANCE_LINGER_MS: '3000' });
  await until(() => got.hellos.length === 1, 'hello');
  transition(got.conns[0]!, 1, 'EXIT');
  await until(() => got.replies.length === 1, 'the reply to EXIT');
  assert.deepEqual(
    got.replies.map((r) => [r.seq, r.ok, r.state]),
    [[1, true, 'DONE']],
  );
  let printed = '';
  p.stdout!.on('data', (d) => (printed += d));
  await until(() => got.closed === 1, 'the task to end its call');
  // the call ended by the task half-closing it, while the program still did its last work
  assert.equal(p.exitCode ?? p.signalCode, null, 'the task was still running when its call ended');
  assert.doesNotMatch(printed, /leaving/);
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /conformance: got EXIT\nconformance: leaving\n$/);
  assert.equal(got.hellos.length, 1, 'no second hello: a task that has left does not dial again');
});

test('a failed EXIT is still answered, and the task leaves with 1', async (t) => {
  const { server, got } = await controlServer(t);
  const { exited } = startTask(t, server.address, { CONFORMANCE_FAIL: 'EXIT' });
  await until(() => got.hellos.length === 1, 'hello');
  transition(got.conns[0]!, 1, 'EXIT');
  const r = await exited;
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    got.replies.map((r) => [r.seq, r.ok, r.state, r.error]),
    [[1, false, 'ERROR', 'asked to fail EXIT']],
  );
});

test('a task whose agent is replaced on the same socket dials again and says hello with its current state', async (t) => {
  const socketPath = path.join(tmpDir(t, 'baton-redial-'), 'task.sock');
  const first = await controlServer(t, { socketPath });
  const { exited } = startTask(t, first.server.address);
  await until(() => first.got.hellos.length === 1, 'hello');
  assert.equal(first.got.hellos[0]!.state, 'STANDBY');
  transition(first.got.conns[0]!, 1, 'CONFIGURE');
  transition(first.got.conns[0]!, 2, 'START', { run_number: '4' });
  await until(() => first.got.replies.length === 2, 'the replies to CONFIGURE and START');
  await first.server.stop(); // the agent dies
  const second = await controlServer(t, { socketPath }); // and a new one takes its socket
  await until(() => second.got.hellos.length === 1, 'a hello to the new agent');
  assert.deepEqual({ ...second.got.hellos[0]!, pid: 0 }, { taskId: 'task-1', token: 'secret', pid: 0, state: 'RUNNING' });
  transition(second.got.conns[0]!, 3, 'STOP');
  transition(second.got.conns[0]!, 4, 'EXIT');
  await until(() => second.got.replies.length === 2, 'the replies to STOP and EXIT');
  assert.deepEqual(
    second.got.replies.map((r) => [r.seq, r.ok, r.state]),
    [
      [3, true, 'CONFIGURED'],
      [4, true, 'DONE'],
    ],
  );
  assert.equal((await exited).code, 0);
});

test('a task refused three times in a row leaves with 1, and the program adds nothing after it', async (t) => {
  const { server, got } = await controlServer(t, { authorize: () => false });
  const r = await startTask(t, server.address).exited;
  assert.equal(r.code, 1);
  assert.equal(got.refused, 3);
  assert.match(r.stderr, /node-task: the agent refused this task \(task task-1: unknown task or wrong token\); leaving/);
  assert.doesNotMatch(r.stdout, /leaving/);
});
