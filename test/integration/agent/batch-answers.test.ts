// Answers by position (agent.proto BatchAnswers): a controller that says it understands them gets
// the plain answers of a sim agent as groups of positions; anything else stays a TaskUpdate, in
// the order it was said. One that also reads exits there (Welcome.batch_exits) gets an EXIT's
// answers with their exits in columns, from sim tasks and basic processes alike, and no exit
// apart. A controller that does not say so (an older one) gets TaskUpdates only: the rest of the
// agent tests run as such a controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { LaunchSpec } from '../../../core/rpc/gen/agent.js';
import { pidAlive, spec, startTestAgent, TestController } from './harness.js';

const simSpec = (taskId: string, extra: Partial<LaunchSpec> = {}, sim: Partial<NonNullable<LaunchSpec['sim']>> = {}): LaunchSpec =>
  spec({ taskId, driver: 'sim', command: '', sim: { delayMs: 0, failOn: '', failRate: 0, exitAfterMs: 0, ...sim }, ...extra });

/**
 * An agent for one test (a sim agent, or one that runs processes) and a test controller on it
 * that says what it understands; `dial` opens another session, as a restarted controller would.
 * All are gone after the test.
 */
async function open(t: { after(fn: () => unknown): void }, batchAnswers: boolean, batchExits = false, sim = true) {
  const env = await startTestAgent(sim ? { sim: true } : {});
  const sessions: TestController[] = [];
  const dial = async () => {
    const c = await TestController.open(env.agent.address, undefined, 'test', false, batchAnswers, batchExits);
    sessions.push(c);
    return c;
  };
  t.after(async () => {
    for (const c of sessions) c.close();
    await env.agent.stop();
    fs.rmSync(env.home, { recursive: true, force: true });
  });
  return { ctl: await dial(), dial };
}

const sleeper = (taskId: string) => spec({ taskId, control: 'basic', command: '/bin/sleep', args: ['1000'], termMs: 3000 });

/** the positions answered in batch `batchId`, by state */
function positionsOf(ctl: TestController, batchId: number): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const a of ctl.answers) {
    if (a.batchId !== batchId) continue;
    by.set(a.state, [...(by.get(a.state) ?? []), ...a.positions]);
  }
  return by;
}

test('answers by position: plain answers go as positions, the rest as TaskUpdates', async (t) => {
  const { ctl } = await open(t, true);
  const bound = { binds: [{ name: 'out', type: 'push', transport: 'tcp' }] };
  const launched = await ctl.launch([
    simSpec('e/a'),
    simSpec('e/b', bound),
    simSpec('e/c'),
    simSpec('e/fails', {}, { failOn: 'CONFIGURE' }),
    simSpec('e/a'), // the same id again: refused
  ]);
  // a launch with addresses says more than its state: a TaskUpdate; a refusal too
  assert.deepEqual(
    launched.map((u) => [u.taskId, u.kind]),
    [
      ['e/b', 'launched'],
      ['e/a', 'failed'],
    ],
  );
  assert.deepEqual(positionsOf(ctl, 1), new Map([['STANDBY', [0, 2, 3]]]));

  // positions are the items' indices in the batch as sent, whatever the agent does with them
  const conf = await ctl.transition(
    'CONFIGURE',
    ['e/fails', 'e/c', 'e/nobody', 'e/b', 'e/a'].map((taskId) => ({ taskId })),
  );
  assert.deepEqual(
    conf.map((u) => [u.taskId, u.ok, u.state]),
    [
      ['e/nobody', false, ''],
      ['e/fails', false, 'ERROR'],
    ],
  );
  assert.deepEqual(positionsOf(ctl, 2), new Map([['CONFIGURED', [1, 3, 4]]]));

  // EXIT: the answers, then each task's exit (an exit is a TaskUpdate, after its answer), which
  // names its task by the EXIT item's position too
  const before = ctl.msgs.length;
  const exit = await ctl.transition(
    'EXIT',
    ['e/b', 'e/a', 'e/c'].map((taskId) => ({ taskId })),
  );
  assert.deepEqual(positionsOf(ctl, 3), new Map([['DONE', [0, 1, 2]]]));
  const order = ctl.msgs.slice(before).map((m) => m.msg?.$case);
  assert.ok(order.indexOf('answers') < order.indexOf('updates'), order.join(','));
  assert.deepEqual(
    exit.map((u) => [u.kind, u.taskId, u.position, u.state, u.exit?.code]),
    [
      ['exited', '', 0, 'DONE', 0],
      ['exited', '', 1, 'DONE', 0],
      ['exited', '', 2, 'DONE', 0],
    ],
  );
});

/** the rows of batch `batchId`'s answers with exits, by position */
function exitRows(ctl: TestController, batchId: number) {
  const groups = ctl.answers.filter((a) => a.batchId === batchId);
  // each group's columns are as long as its positions
  for (const a of groups) assert.deepEqual([a.exitCodes.length, a.exitSignals.length, a.exitTimesMs.length], Array(3).fill(a.positions.length));
  const rows = groups.flatMap((a) => a.positions.map((p, i) => ({ p, state: a.state, code: a.exitCodes[i], signal: a.exitSignals[i], at: a.exitTimesMs[i]! })));
  assert.ok(rows.every((r) => r.at > 0));
  return rows.sort((a, b) => a.p - b.p).map((r) => [r.p, r.state, r.code, r.signal]);
}

test('with batch_exits, an EXIT of sim tasks is answered by position with each exit in columns, and no exit apart', async (t) => {
  const { ctl } = await open(t, true, true);
  await ctl.launch([simSpec('e/a'), simSpec('e/b'), simSpec('e/c')]);
  const exit = await ctl.transition(
    'EXIT',
    ['e/c', 'e/a'].map((taskId) => ({ taskId })),
  );
  assert.deepEqual(exit, [], 'no answer and no exit went as a TaskUpdate');
  assert.deepEqual(exitRows(ctl, 2), [
    [0, 'DONE', 0, ''],
    [1, 'DONE', 0, ''],
  ]);
});

test('with batch_exits, an EXIT of basic processes is answered by position with each exit, once each process is gone', async (t) => {
  const { ctl } = await open(t, true, true, false);
  const launched = await ctl.launch(['e/p1', 'e/p2', 'e/p3'].map(sleeper));
  const pids = launched.map((u) => u.pid);
  assert.equal(pids.filter((p) => p > 0).length, 3);
  const exit = await ctl.transition(
    'EXIT',
    ['e/p3', 'e/p1'].map((taskId) => ({ taskId })),
  );
  assert.deepEqual(exit, [], 'no answer and no exit went as a TaskUpdate');
  assert.deepEqual(exitRows(ctl, 2), [
    [0, 'DONE', -1, 'SIGTERM'],
    [1, 'DONE', -1, 'SIGTERM'],
  ]);
  // the two are gone, the third runs on
  assert.deepEqual(pids.map(pidAlive), [false, true, false]);
});

test('the exits of a kill batch the controller keeps go by position, and those of one it does not keep by task id', async (t) => {
  const { ctl } = await open(t, true, true, false);
  const launched = await ctl.launch(['e/k1', 'e/k2', 'e/k3', 'e/k4'].map(sleeper));
  assert.equal(launched.filter((u) => u.pid > 0).length, 4);
  // a kill batch the controller keeps (a destroy's): positions as sent, and a graded kill's
  // SIGTERM in the columns; an unknown id keeps its place
  const kept = await ctl.kill(['e/k3', 'e/nobody', 'e/k1'], true, 30_000, true);
  assert.deepEqual(kept, [], 'no exit went as a TaskUpdate');
  assert.deepEqual(exitRows(ctl, 2), [
    [0, 'ERROR', -1, 'SIGTERM'],
    [2, 'ERROR', -1, 'SIGTERM'],
  ]);
  // one it does not keep (a KillTask, a reap at Hello): by id, with the kill's detail
  const byId = await ctl.kill(['e/k2'], false);
  assert.deepEqual(
    byId.map((u) => [u.kind, u.taskId, u.exit?.signal, u.error?.data.killed]),
    [['exited', 'e/k2', 'SIGKILL', 'true']],
  );
  assert.deepEqual(
    ctl.answers.filter((a) => a.batchId === 3),
    [],
  );
});

test('an EXIT answer whose session has ended goes by task id to the new one, with its exit', async (t) => {
  const { ctl: first, dial } = await open(t, true, true, false);
  // it ignores SIGTERM: it is gone only after its term_ms, by SIGKILL
  const stubborn = spec({ taskId: 'e/stubborn', control: 'basic', command: '/bin/sh', args: ['-c', 'trap "" TERM; sleep 1000'], termMs: 1500 });
  const [launched] = await first.launch([stubborn]);
  assert.ok(launched!.pid > 0);
  void first.transition('EXIT', [{ taskId: 'e/stubborn' }]).catch(() => {});
  await new Promise((r) => setTimeout(r, 300));
  // the controller restarts (a new session) while the agent waits for the group to go
  const second = await dial();
  const answer = await second.waitFor(
    () => second.updates.find((u) => u.taskId === 'e/stubborn' && u.exit?.exited),
    10_000,
    'the EXIT answer on the new session',
  );
  assert.equal(answer.kind, 'state');
  assert.equal(answer.state, 'DONE');
  assert.equal(answer.exit?.signal, 'SIGKILL');
  assert.equal(answer.position, undefined, 'named by its id: the new controller does not know the old batch');
  assert.deepEqual(second.answers, []);
});

test('answers by position go only to a controller that asked for them', async (t) => {
  const { ctl } = await open(t, false);
  const launched = await ctl.launch([simSpec('e/a'), simSpec('e/b')]);
  assert.deepEqual(
    launched.map((u) => [u.taskId, u.kind, u.state]),
    [
      ['e/a', 'launched', 'STANDBY'],
      ['e/b', 'launched', 'STANDBY'],
    ],
  );
  const conf = await ctl.transition('CONFIGURE', [{ taskId: 'e/b' }, { taskId: 'e/a' }]);
  assert.deepEqual(
    conf.map((u) => [u.taskId, u.ok, u.state]),
    [
      ['e/b', true, 'CONFIGURED'],
      ['e/a', true, 'CONFIGURED'],
    ],
  );
  assert.equal(ctl.answers.length, 0);
  await ctl.transition('EXIT', [{ taskId: 'e/a' }]);
  const exited = await ctl.exited('e/a');
  assert.equal(exited.position, undefined);
  assert.equal(exited.state, 'DONE');
});
