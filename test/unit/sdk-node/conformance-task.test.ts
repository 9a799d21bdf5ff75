// The Node conformance task (sdk/node/examples/conformance-task.ts) prints what CONFORMANCE.md asks,
// line by line, against the agent's real control server: every transition, CONFIGURE's arguments
// sorted by key, START's run number (and its `conformance` event), the failure it is asked for,
// and `leaving` after the EXIT reply. The cross-SDK suite (test/integration/conformance/) runs
// it through a real agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlServer, exitOf, until } from '../sdk/control-fixture.js';

const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sdk/node/examples/conformance-task.js');

test('the conformance task prints every transition, its arguments and run number, and leaves after EXIT', async (t) => {
  const { server, got } = await controlServer(t);
  const p = spawn(process.execPath, [CONFORMANCE], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => p.kill('SIGKILL'));
  const exited = exitOf(p);
  await until(() => got.hellos.length === 1, 'hello');
  const conn = got.conns[0]!;
  const events: [string, Record<string, string>][] = [
    ['CONFIGURE', { zeta: 'last', alpha: 'first', 'chan.none': 'x=y' }],
    ['START', { run_number: '17' }],
    ['STOP', {}],
    ['RESET', {}],
    ['EXIT', {}],
  ];
  for (const [i, [event, args]] of events.entries()) {
    conn.send({ seq: i + 1, event, args, deadlineMs: 5000 });
    await until(() => got.replies.length === i + 1, `the reply to ${event}`);
  }
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), [
    'conformance: got CONFIGURE',
    'conformance: arg alpha=first',
    'conformance: arg chan.none=x=y',
    'conformance: arg zeta=last',
    'conformance: got START',
    'conformance: run_number=17',
    'conformance: got STOP',
    'conformance: got RESET',
    'conformance: got EXIT',
    'conformance: leaving',
    '',
  ]);
  assert.deepEqual(
    got.replies.map((x) => [x.seq, x.ok, x.state]),
    [
      [1, true, 'CONFIGURED'],
      [2, true, 'RUNNING'],
      [3, true, 'CONFIGURED'],
      [4, true, 'STANDBY'],
      [5, true, 'DONE'],
    ],
  );
  assert.deepEqual(
    got.events.map((e) => [e.kind, e.message]),
    [['conformance', 'run 17']],
  );
});

test('CONFORMANCE_FAIL makes that handler fail with "asked to fail <EVENT>"; from ERROR only EXIT is accepted', async (t) => {
  const { server, got } = await controlServer(t);
  const p = spawn(process.execPath, [CONFORMANCE], {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret', CONFORMANCE_FAIL: 'CONFIGURE' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => p.kill('SIGKILL'));
  const exited = exitOf(p);
  await until(() => got.hellos.length === 1, 'hello');
  const events = ['CONFIGURE', 'START', 'RECOVER', 'EXIT'];
  for (const [i, event] of events.entries()) {
    got.conns[0]!.send({ seq: i + 1, event, args: {}, deadlineMs: 5000 });
    await until(() => got.replies.length === i + 1, `the reply to ${event}`);
  }
  assert.deepEqual(
    got.replies.map((x) => [x.seq, x.ok, x.state, x.error]),
    [
      [1, false, 'ERROR', 'asked to fail CONFIGURE'],
      [2, false, 'ERROR', 'START is not allowed from ERROR'], // refused by the SDK: no handler runs
      [3, false, 'ERROR', 'unknown event RECOVER'], // not a task event (task.proto)
      [4, true, 'DONE', ''],
    ],
  );
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['conformance: got CONFIGURE', 'conformance: got EXIT', 'conformance: leaving']);
});
