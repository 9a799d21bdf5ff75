// The transition rehearsal a task runs at start (core/sdk/rehearsal.ts): it goes through the SDK's
// real transition path on a Task of its own, and none of it may reach the task's handlers or the
// agent: a demo task that has rehearsed has said nothing but hello, printed nothing of a
// transition, and is still in STANDBY when its first real CONFIGURE comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rehearseTransitions } from '../../../sdk/node/rehearsal.js';
import { Task } from '../../../sdk/node/task.js';
import { controlServer, exitOf, until } from './control-fixture.js';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/programs/demo-task.js');

test('the rehearsal drives the transition path on its own Task and leaves it in STANDBY', async () => {
  const seen: string[] = [];
  const record = (ev: string) => (args: Record<string, string>) => void seen.push(`${ev} ${args.rehearsal}`);
  const dry = new Task('dry', 'dry', '', '', { configure: record('CONFIGURE'), start: record('START'), stop: record('STOP'), reset: record('RESET') }, { autoChannels: false });
  await rehearseTransitions(dry);
  assert.deepEqual(seen, ['CONFIGURE yes', 'START yes', 'STOP yes', 'RESET yes']);
  assert.equal(dry.state, 'STANDBY');
});

test('a task that rehearsed has sent only its hello, run no handler, and starts from STANDBY', async (t) => {
  const { server, got } = await controlServer(t);
  const p = spawn(process.execPath, [DEMO], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret', BATON_TASK_NAME: 'demo' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => p.kill('SIGKILL'));
  const exited = exitOf(p);
  await until(() => got.hellos.length === 1, 'hello');
  await new Promise((r) => setTimeout(r, 500)); // the rehearsal runs on the turn after start-up
  assert.deepEqual({ replies: got.replies.length, events: got.events.length }, { replies: 0, events: 0 });
  got.conns[0]!.send({ seq: 1, event: 'CONFIGURE', args: {}, deadlineMs: 5000 });
  await until(() => got.replies.length === 1, 'the reply to CONFIGURE');
  assert.deepEqual([got.replies[0]!.seq, got.replies[0]!.ok, got.replies[0]!.state], [1, true, 'CONFIGURED']);
  got.conns[0]!.send({ seq: 2, event: 'EXIT', args: {}, deadlineMs: 5000 });
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean).map((l) => l.replace(/pid \d+/, 'pid N')),
    ['demo: started, pid N', 'demo: CONFIGURE begin', 'demo: CONFIGURE done', 'demo: EXIT begin', 'demo: EXIT done']);
});
