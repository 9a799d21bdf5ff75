// The Python task SDK (sdk/python) against the agent's real task control server: the conformance
// task says hello, answers every transition by the state machine (refused, unknown and failing
// ones too), sends its events, dials again after its call is cut or its agent is replaced, leaves
// when refused or orphaned, and says what is wrong with its environment.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { TaskConn } from '../../../core/agent/process/control-server.js';
import { controlServer, exitOf, tmpDir, until, type Recorded } from '../../unit/sdk/control-fixture.js';
import { findPython, PYTHON_CONFORMANCE_TASK, PYTHON_DEMO_TASK } from '../../support/python.js';
import { agentEnv, pythonProgram, startPython } from './run.js';

/** sends transitions on `conn` and returns [seq, ok, state, error] of each reply */
function asker(got: Recorded, conn: () => TaskConn) {
  let seq = 0;
  return async (event: string, args: Record<string, string> = {}) => {
    const n = got.replies.length;
    conn().send({ seq: ++seq, event, args, deadlineMs: 5000 });
    await until(() => got.replies.length > n, `the reply to ${event}`);
    const r = got.replies[n]!;
    return [r.seq, r.ok, r.state, r.error];
  };
}

async function conformanceTask(t: TestContext, extra: Record<string, string> = {}) {
  const { server, got } = await controlServer(t, { authorize: (id, token) => id === 'task-1' && token === 'secret' });
  const run = startPython(t, [PYTHON_CONFORMANCE_TASK], agentEnv(server.address, 'secret', extra));
  await until(() => got.hellos.length === 1, 'hello');
  return { server, got, ...run, ask: asker(got, () => got.conns.at(-1)!) };
}

test('Python SDK: hello, every transition answered by the state machine, the START event, EXIT and exit 0', async (t) => {
  const { got, p, exited, ask } = await conformanceTask(t);
  assert.deepEqual({ ...got.hellos[0]!, pid: got.hellos[0]!.pid === p.pid }, { taskId: 'task-1', token: 'secret', pid: true, state: 'STANDBY' });
  assert.deepEqual(await ask('START'), [1, false, 'STANDBY', 'START is not allowed from STANDBY']);
  assert.deepEqual(await ask('CONFIGURE', { zeta: 'last', alpha: 'ünïcødé', big: 'x'.repeat(40_000) }), [2, true, 'CONFIGURED', '']);
  assert.deepEqual(await ask('START', { run_number: '12' }), [3, true, 'RUNNING', '']);
  await until(() => got.events.length === 1, 'the conformance event');
  assert.deepEqual(got.events[0], { kind: 'conformance', message: 'run 12', data: {} });
  assert.deepEqual(await ask('RESET'), [4, false, 'RUNNING', 'RESET is not allowed from RUNNING']);
  assert.deepEqual(await ask('BOGUS'), [5, false, 'RUNNING', 'unknown event BOGUS']);
  assert.deepEqual(await ask('STOP'), [6, true, 'CONFIGURED', '']);
  assert.deepEqual(await ask('RESET'), [7, true, 'STANDBY', '']);
  // many transitions: past the 64 KB the agent may send before the task gives its window back
  for (let i = 0; i < 200; i++) {
    assert.deepEqual((await ask(i % 2 ? 'RESET' : 'CONFIGURE', { pad: 'p'.repeat(400) })).slice(1, 3), [true, i % 2 ? 'STANDBY' : 'CONFIGURED']);
  }
  assert.deepEqual(await ask('EXIT'), [208, true, 'DONE', '']);
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  // a transition the state machine refuses reaches no handler: the first START prints nothing
  assert.ok(
    r.stdout.startsWith(
      'conformance: got CONFIGURE\nconformance: arg alpha=ünïcødé\n' +
        `conformance: arg big=${'x'.repeat(40_000)}\nconformance: arg zeta=last\n` +
        'conformance: got START\nconformance: run_number=12\nconformance: got STOP\nconformance: got RESET\n',
    ),
    r.stdout.slice(0, 300),
  );
  assert.ok(r.stdout.endsWith('conformance: got EXIT\nconformance: leaving\n'), r.stdout.slice(-200));
});

test('Python SDK: a failing handler answers ERROR with its words; ERROR refuses all but EXIT', async (t) => {
  const { ask, exited } = await conformanceTask(t, { CONFORMANCE_FAIL: 'CONFIGURE' });
  assert.deepEqual(await ask('CONFIGURE', { a: '1' }), [1, false, 'ERROR', 'asked to fail CONFIGURE']);
  assert.deepEqual(await ask('START'), [2, false, 'ERROR', 'START is not allowed from ERROR']);
  assert.deepEqual(await ask('RECOVER'), [3, false, 'ERROR', 'unknown event RECOVER']);
  assert.deepEqual(await ask('EXIT'), [4, true, 'DONE', '']);
  const r = await exited;
  assert.equal(r.code, 0);
  assert.match(r.stderr, /pytask: CONFIGURE failed: asked to fail CONFIGURE/);
});

test('Python SDK: a failing EXIT handler answers ERROR and the program leaves with 1', async (t) => {
  const { ask, exited } = await conformanceTask(t, { CONFORMANCE_FAIL: 'EXIT' });
  assert.deepEqual(await ask('EXIT'), [1, false, 'ERROR', 'asked to fail EXIT']);
  assert.equal((await exited).code, 1);
});

const ERROR_HANDLERS = `
import threading, time
from baton_task import run_task

class Handlers:
    def configure(self, args, task):
        if args.get('fail') == 'quietly':
            task.error('lost the sensor')
    def start(self, args, task):
        def later():
            while task.state != 'RUNNING':
                time.sleep(0.01)
            task.error('the disk is full')
        threading.Thread(target=later).start()

sys.exit(run_task(Handlers()))
`;

test('Python SDK: handlers as an object; Task.error in a handler: ERROR and INTERNAL_ERROR', async (t) => {
  const { server, got } = await controlServer(t);
  const { exited } = startPython(t, pythonProgram(ERROR_HANDLERS), agentEnv(server.address));
  await until(() => got.hellos.length === 1, 'hello');
  const ask = asker(got, () => got.conns[0]!);
  assert.deepEqual(await ask('CONFIGURE', { fail: 'quietly' }), [1, false, 'ERROR', 'lost the sensor']);
  await until(() => got.events.length === 1, 'the INTERNAL_ERROR event');
  assert.deepEqual(got.events[0], { kind: 'INTERNAL_ERROR', message: 'lost the sensor', data: {} });
  assert.deepEqual(await ask('EXIT'), [2, true, 'DONE', '']);
  assert.equal((await exited).code, 0);
});

test('Python SDK: Task.error on its own (a readout thread): ERROR and INTERNAL_ERROR', async (t) => {
  const { server, got } = await controlServer(t);
  const { exited } = startPython(t, pythonProgram(ERROR_HANDLERS), agentEnv(server.address));
  await until(() => got.hellos.length === 1, 'hello');
  const ask = asker(got, () => got.conns[0]!);
  assert.deepEqual(await ask('CONFIGURE'), [1, true, 'CONFIGURED', '']);
  assert.deepEqual(await ask('START'), [2, true, 'RUNNING', '']);
  await until(() => got.events.length === 1, 'the spontaneous INTERNAL_ERROR event');
  assert.deepEqual(got.events[0], { kind: 'INTERNAL_ERROR', message: 'the disk is full', data: {} });
  assert.deepEqual(await ask('STOP'), [3, false, 'ERROR', 'STOP is not allowed from ERROR']);
  assert.deepEqual(await ask('EXIT'), [4, true, 'DONE', '']);
  assert.equal((await exited).code, 0);
});

test('Python SDK: a call the agent ends, or an agent replaced on the same socket, gets a new hello with the state', async (t) => {
  const socketPath = path.join(tmpDir(t, 'baton-py-'), 'task.sock');
  const first = await controlServer(t, { socketPath });
  const { exited } = startPython(t, [PYTHON_DEMO_TASK], agentEnv(first.server.address));
  await until(() => first.got.hellos.length === 1, 'hello');
  const ask = asker(first.got, () => first.got.conns.at(-1)!);
  assert.deepEqual(await ask('CONFIGURE', { colour: 'blue' }), [1, true, 'CONFIGURED', '']);
  first.got.conns[0]!.end(); // the agent ends the call
  await until(() => first.got.hellos.length === 2, 'a second hello');
  assert.equal(first.got.hellos[1]!.state, 'CONFIGURED');
  assert.deepEqual(await ask('START', { run_number: '3' }), [2, true, 'RUNNING', '']);
  await first.server.stop(); // the agent dies; a new one takes its socket
  const second = await controlServer(t, { socketPath });
  await until(() => second.got.hellos.length === 1, 'a hello to the new agent');
  assert.deepEqual({ ...second.got.hellos[0]!, pid: 0 }, { taskId: 'task-1', token: 'secret', pid: 0, state: 'RUNNING' });
  const askAgain = asker(second.got, () => second.got.conns[0]!);
  assert.deepEqual(await askAgain('STOP'), [1, true, 'CONFIGURED', '']);
  assert.deepEqual(await askAgain('EXIT'), [2, true, 'DONE', '']);
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^pytask: started, pid \d+\npytask: property colour=blue\npytask: CONFIGURE done\npytask: START done\npytask: STOP done\npytask: EXIT done\n$/,
  );
});

test('Python SDK: a task the agent refuses (wrong token) says so and leaves with exit 1 after three hellos', async (t) => {
  const { server, got } = await controlServer(t, { authorize: (_id, token) => token === 'secret' });
  const r = await startPython(t, [PYTHON_CONFORMANCE_TASK], agentEnv(server.address, 'guess')).exited;
  assert.equal(r.code, 1);
  assert.equal(got.refused, 3);
  assert.match(r.stderr, /^pytask: the agent refused this task \(task task-1: unknown task or wrong token\); leaving$/m);
  assert.doesNotMatch(r.stdout, /leaving/);
});

test('Python SDK: a task whose agent dies and never comes back leaves after the orphan grace, saying why', async (t) => {
  const { server, got } = await controlServer(t);
  const { exited } = startPython(t, [PYTHON_CONFORMANCE_TASK], agentEnv(server.address, 'secret', { BATON_ORPHAN_GRACE_MS: '1200' }));
  await until(() => got.hellos.length === 1, 'hello');
  // an answer means the welcome (sent before any transition) came: the task has had an agent
  got.conns[0]!.send({ seq: 1, event: 'CONFIGURE', args: {}, deadlineMs: 5000 });
  await until(() => got.replies.length === 1, 'the reply to CONFIGURE');
  const lostAt = Date.now();
  await server.stop();
  const r = await exited;
  const after = Date.now() - lostAt;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^pytask: no agent at unix:\/\/\/\S+ for \d+\.\d s \(BATON_ORPHAN_GRACE_MS 1200\); leaving rather than running on as an orphan$/m);
  assert.ok(after >= 1200, `left ${after} ms after losing its agent, before the 1200 ms grace`);
});

test('Python SDK: a task that never reaches an agent leaves after three dials, long before the orphan grace', async (t) => {
  // its agent died before its hello: nobody knows it (docs/tasks.md, "No welcome yet")
  const nowhere = `unix://${path.join(tmpDir(t, 'baton-py-'), 'nobody.sock')}`;
  const r = await startPython(t, [PYTHON_CONFORMANCE_TASK], agentEnv(nowhere, 'secret', { BATON_ORPHAN_GRACE_MS: '120000' })).exited;
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^pytask: no agent ever welcomed this task \(.+\); its agent is gone before the task said hello, and no one else knows it: leaving$/m);
});

test("Python SDK: without the agent's variables, or with a BATON_CONTROL that is no address, it says so and exits 2", async () => {
  const env = { ...process.env };
  delete env.BATON_CONTROL;
  delete env.BATON_TASK_TOKEN;
  env.BATON_TASK_ID = 'task-1';
  const r = await exitOf(spawn(findPython(), [PYTHON_CONFORMANCE_TASK], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /runs under a baton agent: BATON_CONTROL, BATON_TASK_ID and BATON_TASK_TOKEN must be set \(not set: BATON_CONTROL, BATON_TASK_TOKEN\)/,
  );
  for (const bad of ['unix://relative/task.sock', 'no-port', 'host:99999', `unix:///${'x'.repeat(200)}`]) {
    const b = await exitOf(spawn(findPython(), [PYTHON_CONFORMANCE_TASK], { env: agentEnv(bad), stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.equal(b.code, 2, bad);
    assert.ok(b.stderr.includes(`pytask: BATON_CONTROL ${bad}: expected unix:///absolute/path or host:port`), b.stderr);
  }
});

test('Python SDK: BATON_ORPHAN_GRACE_MS=0 never gives up: a task started before its agent says hello once it is there', async (t) => {
  const socketPath = path.join(tmpDir(t, 'baton-py-'), 'task.sock');
  const { p, exited } = startPython(t, [PYTHON_CONFORMANCE_TASK], agentEnv(`unix://${socketPath}`, 'secret', { BATON_ORPHAN_GRACE_MS: '0' }));
  await new Promise((r) => setTimeout(r, 1500)); // several failed dials
  assert.equal(p.exitCode, null, 'still waiting for an agent');
  const { got } = await controlServer(t, { socketPath });
  await until(() => got.hellos.length === 1, 'a hello to the agent that came');
  got.conns[0]!.send({ seq: 1, event: 'EXIT', args: {}, deadlineMs: 5000 });
  const r = await exited;
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /orphan/);
});

test('Python SDK: handlers that name no event are refused before anything is dialled', async (t) => {
  const r = await startPython(
    t,
    pythonProgram(`
from baton_task import run_task
run_task({'configure': print, 'configur': print})
`),
    agentEnv('unix:///nonexistent/task.sock'),
  ).exited;
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TypeError: run_task: no event for handler configur \(expected configure, start, stop, reset, exit\)/);
});
