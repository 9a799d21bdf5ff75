// The load history end to end: a real controller sampling every 200 ms, two real agents running
// daq-chain. QueryHistory must give every channel edge a rate while RUNNING, the tasks their cpu
// and memory, the nodes their cpu, memory and load; a new connection (a console reloaded) reads
// the same points; bad selectors are refused naming the field; and, as docs/architecture.md says,
// a restarted controller starts its history afresh (the rings are not persisted).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlClient, Environment, QueryHistoryReply, QueryHistoryRequest, Task } from '../../../core/rpc/gen/control.js';
import { BatonError } from '../../../core/model/errors.js';
import { call, controlClient, createEnv, listTasks, mustControl, startStack, waitFor, type Stack } from '../controller/harness.js';

let stack: Stack;
let env: Environment;

const query = (client: ControlClient, req: Partial<QueryHistoryRequest>) =>
  call<QueryHistoryRequest, QueryHistoryReply>(client, 'queryHistory', {
    kind: '',
    envId: '',
    taskId: '',
    node: '',
    sinceMs: 0,
    untilMs: 0,
    stepMs: 0,
    ...req,
  });

before(async () => {
  stack = await startStack({ realAgents: 2, labels: { zone: 'upstream' }, controller: { historySampleMs: 200 } });
  env = await createEnv(stack.client, 'daq-chain', { readouts: '2', rate: '200', payload_bytes: '256' });
  await mustControl(stack.client, env.id, 'DEPLOY');
  await mustControl(stack.client, env.id, 'CONFIGURE');
  await mustControl(stack.client, env.id, 'START_ACTIVITY');
});

after(async () => {
  await stack?.stop();
});

test('channel rates: every edge of daq-chain has a series with messages and bytes moving', async () => {
  const reply = await waitFor(
    async () => {
      const r = await query(stack.client, { kind: 'channels', envId: env.id, sinceMs: Date.now() - 60_000 });
      const rates = r.series.filter((s) => s.metric === 'msg_rate');
      return rates.length === 4 && rates.every((s) => s.values.filter((v) => v > 0).length >= 3) && r;
    },
    30_000,
    'three samples with a rate on every edge',
  );
  assert.equal(reply.source, 'controller');
  assert.equal(reply.stepMs, 200);
  assert.deepEqual(
    reply.series.filter((s) => s.metric === 'msg_rate').map((s) => `${s.labels.from} -> ${s.labels.to}`),
    ['builder:out -> qc:in', 'builder:out -> sink:in', 'readout-0:out -> builder:in', 'readout-1:out -> builder:in'],
  );
  const bytes = reply.series.filter((s) => s.metric === 'byte_rate');
  assert.equal(bytes.length, 4);
  for (const s of reply.series) {
    assert.equal(s.timesMs.length, s.values.length);
    assert.ok(
      s.timesMs.every((t, i) => i === 0 || t > s.timesMs[i - 1]!),
      'times rise',
    );
    assert.ok(
      s.timesMs.every((t) => t >= reply.sinceMs - 200 && t <= reply.untilMs),
      'times within the range',
    );
  }
});

test("a task's cpu and memory, and the nodes' cpu, memory and load", async () => {
  const tasks: Task[] = await listTasks(stack.client, env.id);
  const builder = tasks.find((t) => t.name === 'builder')!;
  const task = await waitFor(
    async () => {
      const r = await query(stack.client, { kind: 'task', taskId: builder.id });
      const memory = r.series.find((s) => s.metric === 'memory');
      return memory && memory.values.some((v) => v > 1_000_000) && r;
    },
    20_000,
    "the builder's memory",
  );
  assert.deepEqual(
    task.series.map((s) => s.metric),
    ['cpu', 'memory'],
  );
  assert.deepEqual(task.series[0]!.labels, { env: env.id, task: 'builder' });
  assert.equal(task.note, '');

  const nodes = await waitFor(
    async () => {
      const r = await query(stack.client, { kind: 'nodes' });
      return r.series.filter((s) => s.metric === 'memory' && s.values.some((v) => v > 0)).length === 2 && r;
    },
    20_000,
    'memory of both nodes',
  );
  assert.deepEqual([...new Set(nodes.series.map((s) => s.metric))].sort(), ['cpu', 'load1', 'memory', 'memory_total']);
  assert.deepEqual([...new Set(nodes.series.map((s) => s.labels.node))].sort(), ['node-1', 'node-2']);
  const one = await query(stack.client, { kind: 'nodes', node: 'node-2' });
  assert.ok(one.series.length >= 4 && one.series.every((s) => s.labels.node === 'node-2'));
});

test('a wider range is answered at a coarser step, at most 720 points a series', async () => {
  const now = Date.now();
  const r = await query(stack.client, { kind: 'channels', envId: env.id, sinceMs: now - 24 * 3_600_000, untilMs: now });
  assert.ok(r.stepMs >= 120_000, `24 h: a step of 2 min or more, got ${r.stepMs}`);
  for (const s of r.series) assert.ok(s.values.length <= 720);
  assert.ok(r.series.some((s) => s.values.length >= 1));
});

test('a new connection (a reloaded console) reads the same history', async () => {
  const until = Date.now() - 1000;
  const since = until - 60_000;
  const first = await query(stack.client, { kind: 'channels', envId: env.id, sinceMs: since, untilMs: until });
  const other = controlClient(stack.ctl.address);
  try {
    const second = await query(other, { kind: 'channels', envId: env.id, sinceMs: since, untilMs: until });
    assert.deepEqual(second.series, first.series);
    assert.ok(second.series[0]!.values.length >= 3);
  } finally {
    other.close();
  }
});

test('bad selectors are refused naming the field', async () => {
  const refused = async (req: Partial<QueryHistoryRequest>, code: string, where: string) => {
    await assert.rejects(query(stack.client, req), (e: BatonError) => e.code === code && e.detail.where === where);
  };
  await refused({ kind: 'disks' }, 'BAD_INPUT', 'kind');
  await refused({ kind: 'channels' }, 'BAD_INPUT', 'env_id');
  await refused({ kind: 'channels', envId: 'env-nope' }, 'NOT_FOUND', 'env_id');
  await refused({ kind: 'task', taskId: 'tsk-nope' }, 'NOT_FOUND', 'task_id');
  await refused({ kind: 'nodes', node: 'node-9' }, 'NOT_FOUND', 'node');
  await refused({ kind: 'nodes', sinceMs: 2000, untilMs: 1000 }, 'BAD_INPUT', 'since_ms');
});

test('a restarted controller starts its history afresh (docs/architecture.md: not persisted)', async () => {
  const restartedAt = Date.now();
  await stack.stopController();
  await stack.restartController();
  const r = await waitFor(
    async () => {
      // the last minute: within the fine tier's reach, whose points are 200 ms apart
      const q = await query(stack.client, { kind: 'channels', envId: env.id, sinceMs: restartedAt - 60_000 });
      return q.series.length === 8 && q.series.every((s) => s.values.length > 0) && q;
    },
    30_000,
    'samples after the restart',
  );
  for (const s of r.series) assert.ok(s.timesMs[0]! >= restartedAt - 200, `${s.metric} ${s.labels.from}: nothing from before the restart`);
});
