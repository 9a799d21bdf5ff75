// Teardown of many basic tasks: EXIT answers DONE for a task only once its process group is gone
// (the answer carries the exit), the agent keeps sending heartbeats while it kills, and a task that
// ignores SIGTERM gets SIGKILL after its term_ms and is DONE only after it exited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { TaskUpdate } from '../../../core/rpc/gen/agent.js';
import { startAgent } from '../../../core/agent/main.js';
import { setup, spec, sleep, startTestAgent, TestController } from './harness.js';

/** the controller's default heartbeat timeout (core/controller/options.ts): a longer gap shows the node DOWN */
const CONTROLLER_HEARTBEAT_TIMEOUT_MS = 3500;

/** process groups among `pgids` with a live (non-zombie) member: one /proc pass */
function livingGroups(pgids: number[]): number[] {
  const wanted = new Set(pgids);
  const out = new Set<number>();
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    let st: string;
    try {
      st = fs.readFileSync(`/proc/${n}/stat`, 'latin1');
    } catch {
      continue;
    }
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    if (f[0] !== 'Z' && wanted.has(Number(f[2]))) out.add(Number(f[2]));
  }
  return [...out];
}

/**
 * Every task of the batch is answered once, and that answer carries its exit: the agent answers an
 * EXIT only after it saw the process exit (and its group gone), and one update per task says both
 * (no separate 'exited' update). Returns the answers by task id.
 */
function assertAnsweredWithExit(updates: readonly TaskUpdate[], batchId: number, ids: readonly string[]): Map<string, TaskUpdate> {
  const out = new Map<string, TaskUpdate>();
  for (const id of ids) {
    const answers = updates.filter((u) => u.taskId === id && u.kind === 'state' && u.batchId === batchId);
    assert.equal(answers.length, 1, `${id} was answered once`);
    assert.equal(answers[0]!.exit?.exited, true, `${id} was answered DONE with its exit, so only after its exit was seen`);
    assert.ok(!updates.some((u) => u.taskId === id && u.kind === 'exited'), `${id}: its exit is not reported a second time`);
    out.set(id, answers[0]!);
  }
  return out;
}

test('EXIT of 200 basic tasks: every process is gone when EXIT returns, each DONE after its exit, heartbeats keep flowing', { timeout: 120_000 }, async (t) => {
  const { ctl } = await setup(t);
  const n = 200;
  const ids = Array.from({ length: n }, (_, i) => `env-test/sleeper-${i}`);
  const ups = await ctl.launch(
    ids.map((taskId) => spec({ taskId, control: 'basic', command: '/bin/sleep', args: ['1000'], termMs: 3000 })),
    30_000,
    60_000,
  );
  const pids = ups.map((u) => u.pid);
  assert.equal(pids.filter((p) => p > 0).length, n, 'all launched');
  await sleep(200);

  const beatsBefore = ctl.heartbeats.length;
  const beatTimes: number[] = [Date.now()];
  const onBeat = setInterval(() => {
    if (ctl.heartbeats.length > beatsBefore + beatTimes.length - 1) beatTimes.push(Date.now());
  }, 20);
  const batchId = 2; // the second batch of this session (the launch was the first)
  const answers = await ctl.transition(
    'EXIT',
    ids.map((taskId) => ({ taskId })),
    60_000,
    90_000,
  );
  beatTimes.push(Date.now());
  clearInterval(onBeat);

  assert.deepEqual(livingGroups(pids), [], 'no process of any group is alive when EXIT returns');
  const states = answers.filter((u) => u.kind === 'state');
  assert.equal(states.length, n);
  for (const u of states) {
    assert.equal(u.ok, true, u.error?.message);
    assert.equal(u.state, 'DONE');
  }
  assertAnsweredWithExit(ctl.updates, batchId, ids);
  let gap = 0;
  for (let i = 1; i < beatTimes.length; i++) gap = Math.max(gap, beatTimes[i]! - beatTimes[i - 1]!);
  assert.ok(
    gap < CONTROLLER_HEARTBEAT_TIMEOUT_MS,
    `the agent kept sending heartbeats (longest gap ${gap} ms, the controller gives up after ${CONTROLLER_HEARTBEAT_TIMEOUT_MS})`,
  );
});

test('a basic task that ignores SIGTERM gets SIGKILL after term_ms and is DONE only after it exited', { timeout: 60_000 }, async (t) => {
  const { ctl } = await setup(t);
  // the shell ignores TERM, and so does its sleep (an ignored signal stays ignored across exec)
  const stubborn = spec({ taskId: 'env-test/stubborn', control: 'basic', command: '/bin/sh', args: ['-c', 'trap "" TERM; sleep 1000'], termMs: 1000 });
  const plain = Array.from({ length: 50 }, (_, i) =>
    spec({ taskId: `env-test/plain-${i}`, control: 'basic', command: '/bin/sleep', args: ['1000'], termMs: 1000 }),
  );
  const ups = await ctl.launch([stubborn, ...plain]);
  const stubbornPid = ups.find((u) => u.taskId === 'env-test/stubborn')!.pid;
  await sleep(300);
  const ids = [stubborn, ...plain].map((s) => s.taskId);
  const answers = await ctl.transition(
    'EXIT',
    ids.map((taskId) => ({ taskId })),
    30_000,
    60_000,
  );
  assert.deepEqual(livingGroups(ups.map((u) => u.pid)), [], 'nothing of any group is left when EXIT returns');
  const answer = answers.find((u) => u.taskId === 'env-test/stubborn' && u.kind === 'state')!;
  assert.equal(answer.ok, true, answer.error?.message);
  assert.equal(answer.state, 'DONE');
  const exit = assertAnsweredWithExit(ctl.updates, 2, ids).get('env-test/stubborn')!;
  assert.equal(exit.exit!.signal, 'SIGKILL', 'SIGTERM was ignored: it took SIGKILL');
  assert.deepEqual(livingGroups([stubbornPid]), []);
});

test('an adopted basic task (agent restarted) that ignores SIGTERM is reported killed by SIGKILL, DONE only after it exited', {
  timeout: 60_000,
}, async (t) => {
  const first = await startTestAgent();
  let agent = first.agent;
  let ctl = await TestController.open(agent.address);
  t.after(async () => {
    ctl.close();
    await agent.stop();
    fs.rmSync(first.home, { recursive: true, force: true });
  });
  const stubborn = spec({ taskId: 'env-test/stubborn', control: 'basic', command: '/bin/sh', args: ['-c', 'trap "" TERM; sleep 1000'], termMs: 1000 });
  const [l] = await ctl.launch([stubborn]);
  await sleep(300);
  ctl.close();
  await agent.stop({ killTasks: false });
  // the new agent did not start it: its exit is found by polling /proc, not reported by a reaper
  agent = await startAgent(first.opts);
  ctl = await TestController.open(agent.address);
  assert.ok(
    ctl.hello!.tasks.some((x) => x.taskId === 'env-test/stubborn'),
    'adopted',
  );
  const [answer] = await ctl.transition('EXIT', [{ taskId: 'env-test/stubborn' }], 30_000, 60_000);
  assert.deepEqual(livingGroups([l!.pid]), [], 'nothing of its group is left when EXIT returns');
  assert.equal(answer!.ok, true, answer!.error?.message);
  assert.equal(answer!.state, 'DONE');
  const exit = assertAnsweredWithExit(ctl.updates, 1, ['env-test/stubborn']).get('env-test/stubborn')!;
  assert.equal(exit.exit!.signal, 'SIGKILL', 'SIGTERM was ignored: it took SIGKILL');
});
