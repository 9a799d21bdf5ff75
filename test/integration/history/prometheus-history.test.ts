// QueryHistory from Prometheus: a controller started with a Prometheus URL answers from Debian's
// real Prometheus (scraping the controller's metrics every second) through query_range, in the
// same shape the rings give: daq-chain's edges with their rates, a task's cpu and memory, the
// nodes' cpu, memory and load. With Prometheus gone the call is UNAVAILABLE naming it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Environment, QueryHistoryReply, QueryHistoryRequest, Task } from '../../../core/rpc/gen/control.js';
import type { BatonError } from '../../../core/model/errors.js';
import { call, createEnv, listTasks, mustControl, startStack, tempHome, waitFor, type Stack } from '../controller/harness.js';
import { freePort, startPrometheus, type Prometheus } from '../metrics/prometheus.js';

let stack: Stack;
let prometheus: Prometheus;
let env: Environment;

const query = (req: Partial<QueryHistoryRequest>) =>
  call<QueryHistoryRequest, QueryHistoryReply>(stack.client, 'queryHistory', {
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
  const home = tempHome();
  // Prometheus first, scraping the port the controller will serve its metrics on
  const metricsPort = await freePort();
  prometheus = await startPrometheus(path.join(home, 'prometheus'), { controller: `127.0.0.1:${metricsPort}` });
  stack = await startStack({
    home,
    realAgents: 2,
    labels: { zone: 'upstream' },
    controller: { metricsListen: `127.0.0.1:${metricsPort}`, prometheusUrl: prometheus.url },
  });
  env = await createEnv(stack.client, 'daq-chain', { readouts: '2', rate: '200', payload_bytes: '256' });
  await mustControl(stack.client, env.id, 'DEPLOY');
  await mustControl(stack.client, env.id, 'CONFIGURE');
  await mustControl(stack.client, env.id, 'START_ACTIVITY');
});

after(async () => {
  await prometheus?.stop();
  await stack?.stop();
});

test('channel rates come from Prometheus, every edge moving', async () => {
  const reply = await waitFor(
    async () => {
      const r = await query({ kind: 'channels', envId: env.id, sinceMs: Date.now() - 120_000 });
      const rates = r.series.filter((s) => s.metric === 'msg_rate');
      return rates.length === 4 && rates.every((s) => s.values.filter((v) => v > 0).length >= 2) && r;
    },
    40_000,
    'two scrapes with a rate on every edge',
  );
  assert.equal(reply.source, 'prometheus');
  assert.equal(reply.stepMs % 1000, 0, 'whole seconds');
  assert.deepEqual(
    reply.series.filter((s) => s.metric === 'msg_rate').map((s) => `${s.labels.from} -> ${s.labels.to}`),
    ['builder:out -> qc:in', 'builder:out -> sink:in', 'readout-0:out -> builder:in', 'readout-1:out -> builder:in'],
  );
  // Prometheus' own labels (job, instance) are left out: the same labels as the rings
  assert.deepEqual(Object.keys(reply.series[0]!.labels).sort(), ['env', 'from', 'to']);
  assert.equal(reply.series.filter((s) => s.metric === 'byte_rate').length, 4);
});

test("a task's cpu and memory, the nodes' cpu, memory and load", async () => {
  const tasks: Task[] = await listTasks(stack.client, env.id);
  const builder = tasks.find((t) => t.name === 'builder')!;
  const task = await waitFor(
    async () => {
      const r = await query({ kind: 'task', taskId: builder.id, sinceMs: Date.now() - 120_000 });
      return r.series.some((s) => s.metric === 'memory' && s.values.some((v) => v > 1_000_000)) && r;
    },
    30_000,
    "the builder's memory in Prometheus",
  );
  assert.deepEqual(
    task.series.map((s) => [s.metric, s.labels.task]),
    [
      ['cpu', 'builder'],
      ['memory', 'builder'],
    ],
  );
  const nodes = await waitFor(
    async () => {
      const r = await query({ kind: 'nodes', sinceMs: Date.now() - 120_000 });
      return r.series.filter((s) => s.metric === 'load1').length === 2 && r;
    },
    30_000,
    'load of both nodes in Prometheus',
  );
  assert.deepEqual([...new Set(nodes.series.map((s) => s.metric))].sort(), ['cpu', 'load1', 'memory', 'memory_total']);
  const one = await query({ kind: 'nodes', node: 'node-1', sinceMs: Date.now() - 120_000 });
  assert.ok(one.series.length === 4 && one.series.every((s) => s.labels.node === 'node-1'));
});

test('with Prometheus gone, QueryHistory is UNAVAILABLE naming it', async () => {
  await prometheus.stop();
  await assert.rejects(
    query({ kind: 'nodes' }),
    (e: BatonError) => e.code === 'UNAVAILABLE' && e.detail.where === 'prometheus-url' && e.message.includes(prometheus.url),
  );
});
