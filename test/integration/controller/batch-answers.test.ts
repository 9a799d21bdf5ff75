// Answers by position (agent.proto BatchAnswers) between a real controller and real sim agents:
// they move the tasks and complete the batches, and an EXIT's answers carry their exits in
// columns; an agent older than its controller (one that does not know Welcome.batch_answers, or
// only that and not batch_exits, as during `baton node upgrade`) answers item by item, or its
// exits apart, and the environment comes up and down all the same; answers naming another node's
// batch, a position out of range or exit columns that do not fit change nothing. The agents are
// built here (Agent + serve, as startAgent does) so that a test can see what they send; an "older
// agent" is this one with its Welcome read as an older agent decodes it (unknown fields dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Agent } from '../../../core/agent/agent.js';
import { resolveOptions } from '../../../core/agent/options.js';
import { serve } from '../../../core/agent/server.js';
import { makeUpdate } from '../../../core/agent/updates.js';
import type { ControllerMsg } from '../../../core/rpc/gen/agent.js';
import { createEnv, getEnv, listTasks, mustControl, startStack, subscribe, tempHome, TOKEN, waitFor } from './harness.js';

/** what the agent knows of the Welcome: everything, answers by position but not their exits, neither */
type Generation = 'current' | 'answers-only' | 'older';

interface SimAgent {
  agent: Agent;
  address: string;
  /** plain answers this agent sent by position */
  byPosition: number;
  /** answers with their exits it sent by position */
  exitsByPosition: number;
  /** transition batches it was sent */
  transitions: number[];
  stop(): Promise<void>;
}

async function simAgent(home: string, name: string, generation: Generation): Promise<SimAgent> {
  fs.mkdirSync(path.join(home, 'sim'), { recursive: true });
  const options = resolveOptions({
    name,
    home,
    listen: `unix://${home}/sim/${name}.sock`,
    token: TOKEN,
    sim: true,
    labels: { sim: 'true' },
    portRange: [40000, 49999],
  });
  const agent = new Agent(options);
  if (generation !== 'current') {
    const welcome = agent.welcome.bind(agent);
    agent.welcome = (s, w) => welcome(s, { ...w, batchAnswers: generation === 'answers-only', batchExits: false });
  }
  const a: SimAgent = { agent, address: '', byPosition: 0, exitsByPosition: 0, transitions: [], stop: async () => {} };
  const answered = agent.outbox.answered.bind(agent.outbox);
  agent.outbox.answered = (batchId, position, state) => {
    a.byPosition++;
    answered(batchId, position, state);
  };
  const answeredExit = agent.outbox.answeredExit.bind(agent.outbox);
  agent.outbox.answeredExit = (batchId, position, state, exit) => {
    a.exitsByPosition++;
    answeredExit(batchId, position, state, exit);
  };
  const handle = agent.handle.bind(agent);
  agent.handle = (m: ControllerMsg) => {
    if (m.msg?.$case === 'transition') a.transitions.push(m.msg.transition.batchId);
    handle(m);
  };
  await agent.start();
  const served = await serve(agent, options);
  a.address = served.address;
  a.stop = async () => {
    await agent.stop(true);
    served.stop();
  };
  return a;
}

async function farm(t: { after(fn: () => unknown): void }, generations: Generation[]) {
  const home = tempHome();
  const agents: SimAgent[] = [];
  for (let i = 0; i < generations.length; i++) agents.push(await simAgent(home, `sim-${i + 1}`, generations[i]!));
  const stack = await startStack({ home, controller: { agents: agents.map((a) => a.address) } });
  t.after(async () => {
    await stack.stop();
    await Promise.all(agents.map((a) => a.stop()));
    fs.rmSync(home, { recursive: true, force: true });
  });
  return { stack, agents };
}

const NO_EXITS = { exitCodes: [], exitSignals: [], exitTimesMs: [] };

const STEPS = ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'RESET', 'EXIT'] as const;

test('answers by position from a new agent, without their exits from an older one, item by item from the oldest: all come up and down', async (t) => {
  const { stack, agents } = await farm(t, ['current', 'answers-only', 'older']);
  const [fresh, middle, older] = agents as [SimAgent, SimAgent, SimAgent];
  const c = stack.client;
  const env = await createEnv(c, 'sim-farm', { tasks: '300' });
  assert.deepEqual(new Set(env.tasks.map((x) => x.node)), new Set(['sim-1', 'sim-2', 'sim-3']));
  const exits = subscribe(c, { envId: env.id, kinds: ['task.exit'] });
  t.after(() => exits.stop());
  for (const tr of STEPS) {
    const final = await mustControl(c, env.id, tr, 60_000);
    assert.equal(final.done, 300, tr);
    if (tr === 'START_ACTIVITY') assert.equal((await getEnv(c, env.id, false)).counts?.byState.RUNNING, 300);
  }
  const e = await getEnv(c, env.id, false);
  assert.equal(e.state, 'DONE');
  assert.equal(e.counts?.byState.DONE, 300);
  // every task's exit reached the controller (the new agents' by the EXIT item's position), and
  // each is one task.exit event that says DONE, an exit asked for
  const tasks = await listTasks(c, env.id);
  assert.equal(tasks.filter((x) => x.exit?.exited && x.exit.code === 0).length, 300);
  await waitFor(() => exits.events.length >= 300, 10_000, '300 task.exit events');
  assert.equal(exits.events.length, 300);
  assert.ok(exits.events.every((x) => x.state === 'DONE' && x.data.expected === 'true'));
  // the new agent answered its 100 tasks' launch and four transitions by position, and their EXIT
  // with the exits; the middle one, its EXIT by position with the exits apart; the oldest, item
  // by item
  assert.deepEqual([fresh.byPosition, fresh.exitsByPosition], [500, 100]);
  assert.deepEqual([middle.byPosition, middle.exitsByPosition], [600, 0]);
  assert.deepEqual([older.byPosition, older.exitsByPosition], [0, 0]);
});

test("answers naming another node's batch, a position out of range or exits that do not fit change nothing", async (t) => {
  const { stack, agents } = await farm(t, ['current', 'current']);
  const [a, b] = agents as [SimAgent, SimAgent];
  const c = stack.client;
  const env = await createEnv(c, 'sim-farm', { tasks: '20', delay_ms: '300' });
  await mustControl(c, env.id, 'DEPLOY', 60_000);
  const events = subscribe(c, { envId: env.id, kinds: ['task.state'] });
  t.after(() => events.stop());
  // once both agents hold their CONFIGURE batch (their answers come 300 ms later), agent a says
  // b's tasks failed, that its own first task and one beyond its batch failed, that two failed
  // with exit columns that do not fit, and that some crashed
  let injected = false;
  const inject = () => {
    if (injected || !a.transitions.length || !b.transitions.length) return;
    injected = true;
    const own = a.transitions[0]!;
    a.agent.outbox.send({ msg: { $case: 'answers', answers: { batchId: b.transitions[0]!, state: 'ERROR', positions: [0, 1], ...NO_EXITS } } });
    a.agent.outbox.send({ msg: { $case: 'answers', answers: { batchId: own, state: 'ERROR', positions: [0, 10_000], ...NO_EXITS } } });
    a.agent.outbox.send({ msg: { $case: 'answers', answers: { batchId: own, state: 'NO_SUCH_STATE', positions: [1], ...NO_EXITS } } });
    a.agent.outbox.send({ msg: { $case: 'answers', answers: { batchId: 987_654, state: 'ERROR', positions: [0], ...NO_EXITS } } });
    // exit columns that do not fit the positions
    a.agent.outbox.send({
      msg: { $case: 'answers', answers: { batchId: own, state: 'ERROR', positions: [0, 1], exitCodes: [1], exitSignals: ['', ''], exitTimesMs: [1, 1] } },
    });
    // and exits named by position in b's batch and beyond its own
    const crash = { exit: { exited: true, code: 1, signal: '', timeMs: Date.now() }, state: 'ERROR' };
    const items = [
      makeUpdate('', 'exited', { batchId: b.transitions[0]!, position: 0, ...crash }),
      makeUpdate('', 'exited', { batchId: own, position: 10_000, ...crash }),
    ];
    a.agent.outbox.send({ msg: { $case: 'updates', updates: { items } } });
  };
  for (const x of [a, b]) {
    const handle = x.agent.handle.bind(x.agent);
    x.agent.handle = (m: ControllerMsg) => {
      handle(m);
      inject();
    };
  }
  const final = await mustControl(c, env.id, 'CONFIGURE', 60_000);
  assert.ok(injected);
  assert.ok(final.ok);
  assert.equal(final.done, 20);
  const e = await getEnv(c, env.id, false);
  assert.equal(e.counts?.byState.CONFIGURED, 20);
  assert.equal(e.counts?.byState.ERROR ?? 0, 0);
  // no task went through ERROR (an environment of 20 tasks has an event per task state)
  const states = events.events.map((x) => x.state);
  assert.ok(states.includes('CONFIGURED'), states.join(','));
  assert.ok(!states.includes('ERROR'), states.join(','));
});
