// The Node SDK (its gRPC call on node:http2, sdk/node/control-call.ts) against the agent's real grpc-js control server:
// a real task process dials in, says hello, is driven through transitions, and is refused when
// its token is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlServer, exitOf, until } from '../sdk/control-fixture.js';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/programs/demo-task.js');

test('a task dials the control server, says hello, answers transitions and leaves after EXIT', async (t) => {
  const { server, got } = await controlServer(t, { authorize: (id, token) => id === 'task-1' && token === 'secret' });
  const { replies, events } = got;
  const p = spawn(process.execPath, [DEMO], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret', BATON_TASK_NAME: 'demo' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = exitOf(p);
  await until(() => got.hellos.length === 1, 'hello');
  const hello = got.hellos[0]!;
  assert.deepEqual({ ...hello, pid: hello.pid === p.pid }, { taskId: 'task-1', token: 'secret', pid: true, state: 'STANDBY' });
  const send = (seq: number, event: string, args: Record<string, string> = {}) => got.conns[0]!.send({ seq, event, args, deadlineMs: 5000 });
  send(1, 'CONFIGURE', { event_on: 'START', note: 'ünïcødé' });
  await until(() => replies.length === 1, 'the reply to CONFIGURE');
  send(2, 'START', { run_number: '12' });
  await until(() => replies.length === 2 && events.length === 1, 'the reply to START and its event');
  send(3, 'RESET'); // not allowed from RUNNING: answered, state unchanged
  await until(() => replies.length === 3, 'the reply to RESET');
  send(4, 'STOP');
  send(5, 'EXIT');
  await until(() => replies.length === 5, 'the replies to STOP and EXIT');
  assert.deepEqual(
    replies.map((r) => [r.seq, r.ok, r.state]),
    [
      [1, true, 'CONFIGURED'],
      [2, true, 'RUNNING'],
      [3, false, 'RUNNING'],
      [4, true, 'CONFIGURED'],
      [5, true, 'DONE'],
    ],
  );
  assert.match(replies[2]!.error, /RESET is not allowed from RUNNING/);
  assert.equal(events[0]!.kind, 'DEMO_EVENT');
  assert.equal((await exited).code, 0);
});

test('a task the agent refuses (wrong token) says so and leaves with exit 1', async (t) => {
  const { server, got } = await controlServer(t, { authorize: () => false, onHello: () => assert.fail('a refused task must not be adopted') });
  const p = spawn(process.execPath, [DEMO], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-9', BATON_TASK_TOKEN: 'guess', BATON_TASK_NAME: 'intruder' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const r = await exitOf(p);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /intruder: the agent refused this task \(task task-9: unknown task or wrong token\); leaving/);
  assert.equal(got.refused, 3);
});

test('Task.error: a spontaneous error puts the task in ERROR and sends INTERNAL_ERROR; only EXIT is accepted after', async (t) => {
  const { server, got } = await controlServer(t);
  const program = [
    `import { runTask } from ${JSON.stringify(path.resolve(path.dirname(DEMO), '../../sdk/node/index.js'))};`,
    "runTask({ start: (_args, task) => { setTimeout(() => task.error('the disk is full'), 50); } });",
  ].join('\n');
  const p = spawn(process.execPath, ['--input-type=module', '-e', program], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret', BATON_TASK_NAME: 'readout' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = exitOf(p);
  await until(() => got.hellos.length === 1, 'hello');
  const ask = async (seq: number, event: string) => {
    got.conns[0]!.send({ seq, event, args: {}, deadlineMs: 5000 });
    await until(() => got.replies.length === seq, `the reply to ${event}`);
    const r = got.replies[seq - 1]!;
    return [r.ok, r.state, r.error];
  };
  assert.deepEqual(await ask(1, 'CONFIGURE'), [true, 'CONFIGURED', '']);
  assert.deepEqual(await ask(2, 'START'), [true, 'RUNNING', '']);
  await until(() => got.events.length === 1, 'the INTERNAL_ERROR event');
  assert.deepEqual(got.events[0], { kind: 'INTERNAL_ERROR', message: 'the disk is full', data: {} });
  assert.deepEqual(await ask(3, 'STOP'), [false, 'ERROR', 'STOP is not allowed from ERROR']);
  assert.deepEqual(await ask(4, 'EXIT'), [true, 'DONE', '']);
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /readout: the disk is full/);
});
