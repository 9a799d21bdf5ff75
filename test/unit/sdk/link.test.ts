// The SDK's gRPC client (its own HTTP/2, core/sdk/h2; no grpc-js) against the agent's real grpc-js control server:
// a real task process dials in, says hello, is driven through transitions, and is refused when
// its token is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlServer, type TaskConn } from '../../../core/agent/process/control-server.js';
import type { TaskHello, TaskEvent, TransitionReply } from '../../../core/rpc/gen/task.js';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/programs/demo-task.js');

function exitOf(p: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  return new Promise((r) => p.once('exit', (code) => r({ code, stderr })));
}

test('a task dials the control server, says hello, answers transitions and leaves after EXIT', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-link-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let conn: TaskConn | null = null;
  let hello: TaskHello | null = null;
  const replies: TransitionReply[] = [];
  const events: TaskEvent[] = [];
  let waiter: (() => void) | null = null;
  const poke = () => waiter?.();
  const until = async (cond: () => boolean) => {
    const end = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise<void>((r) => { waiter = r; setTimeout(r, 50); });
    }
  };
  const server = await startControlServer(path.join(dir, 'task.sock'), {
    authorize: (id, token) => id === 'task-1' && token === 'secret',
    onHello: (_id, c, h) => { conn = c; hello = h; poke(); },
    onClose: () => {},
    onReply: (_id, r) => { replies.push(r); poke(); },
    onEvent: (_id, e) => { events.push(e); poke(); },
    onCounters: () => {},
  });
  t.after(() => server.stop());
  const p = spawn(process.execPath, [DEMO], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret', BATON_TASK_NAME: 'demo' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = exitOf(p);
  await until(() => hello !== null);
  assert.deepEqual({ ...hello!, pid: hello!.pid === p.pid }, { taskId: 'task-1', token: 'secret', pid: true, state: 'STANDBY' });
  const send = (seq: number, event: string, args: Record<string, string> = {}) => conn!.send({ seq, event, args, deadlineMs: 5000 });
  send(1, 'CONFIGURE', { event_on: 'START', note: 'ünïcødé' });
  await until(() => replies.length === 1);
  send(2, 'START', { run_number: '12' });
  await until(() => replies.length === 2 && events.length === 1);
  send(3, 'RESET'); // not allowed from RUNNING: answered, state unchanged
  await until(() => replies.length === 3);
  send(4, 'STOP');
  send(5, 'EXIT');
  await until(() => replies.length === 5);
  assert.deepEqual(replies.map((r) => [r.seq, r.ok, r.state]), [
    [1, true, 'CONFIGURED'], [2, true, 'RUNNING'], [3, false, 'RUNNING'], [4, true, 'CONFIGURED'], [5, true, 'DONE'],
  ]);
  assert.match(replies[2]!.error, /RESET is not allowed from RUNNING/);
  assert.equal(events[0]!.kind, 'DEMO_EVENT');
  assert.equal((await exited).code, 0);
});

test('a task the agent refuses (wrong token) says so and leaves with exit 1', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-link-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let hellos = 0;
  const server = await startControlServer(path.join(dir, 'task.sock'), {
    authorize: () => { hellos++; return false; },
    onHello: () => assert.fail('a refused task must not be adopted'),
    onClose: () => {}, onReply: () => {}, onEvent: () => {}, onCounters: () => {},
  });
  t.after(() => server.stop());
  const p = spawn(process.execPath, [DEMO], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-9', BATON_TASK_TOKEN: 'guess', BATON_TASK_NAME: 'intruder' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const r = await exitOf(p);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /intruder: the agent refused this task \(task task-9: unknown task or wrong token\); leaving/);
  assert.equal(hellos, 3);
});
