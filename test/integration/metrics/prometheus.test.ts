// The metrics end to end: a controller and two agents serving /metrics, Debian's real Prometheus
// scraping them every second, daq-chain driven through a cycle. Prometheus's query API must see
// the transitions counted and the channels moving while RUNNING; promtool must pass both
// endpoints' text; every panel of the shipped Grafana dashboard must be a valid query that
// returns data; and the run's summary (GetRun) must carry what flowed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Environment, Run } from '../../../core/rpc/gen/control.js';
import { call, createEnv, mustControl, tempHome, waitFor } from '../controller/harness.js';
import { startPrometheus, promtoolCheck, type Prometheus } from './prometheus.js';
import { scrape, startMetricsStack, targetOf, type MetricsStack } from './stack.js';
import { dashboardQueries, MAY_BE_EMPTY } from './dashboard.js';

let stack: MetricsStack;
let prometheus: Prometheus;
let env: Environment;

before(async () => {
  const home = tempHome();
  stack = await startMetricsStack(home);
  prometheus = await startPrometheus(path.join(home, 'prometheus'), {
    controller: targetOf(stack.ctl.metricsUrl),
    'agent-1': targetOf(stack.agents[0]!.metricsUrl),
    'agent-2': targetOf(stack.agents[1]!.metricsUrl),
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

/** Waits until Prometheus answers `expr` with at least one series, all of them matching `ok`. */
async function until(expr: string, ok: (v: number) => boolean, what: string) {
  return waitFor(
    async () => {
      const rows = await prometheus.values(expr);
      return rows.length > 0 && rows.every((r) => ok(r.value)) && rows;
    },
    20_000,
    what,
  );
}

test('Prometheus sees the transitions, the environment RUNNING and its channels moving', async () => {
  await until('baton_transitions_total{transition="CONFIGURE",outcome="ok"}', (v) => v === 1, 'CONFIGURE counted once');
  await until('baton_transitions_total{transition="START_ACTIVITY",outcome="ok"}', (v) => v === 1, 'START_ACTIVITY counted once');
  await until('baton_transition_duration_seconds_count{transition="DEPLOY"}', (v) => v === 1, 'a DEPLOY duration');
  await until(`baton_environment_info{env="${env.id}",state="RUNNING"}`, (v) => v === 1, 'the environment RUNNING');
  await until(`baton_tasks{env="${env.id}",state="RUNNING"}`, (v) => v === 5, 'five tasks RUNNING');
  // every edge of the graph (readout-0, readout-1 -> builder; builder -> qc, sink) carries messages
  const edges = await until(`baton_channel_messages_per_second{env="${env.id}"}`, (v) => v > 0, 'a rate on every channel');
  assert.deepEqual(edges.map((e) => `${e.metric.from} -> ${e.metric.to}`).sort(), [
    'builder:out -> qc:in',
    'builder:out -> sink:in',
    'readout-0:out -> builder:in',
    'readout-1:out -> builder:in',
  ]);
  await until(`baton_channel_bytes_per_second{env="${env.id}"}`, (v) => v > 0, 'bytes on every channel');
  // per task (5 tasks, under the default limit of 200): each has its own series
  const cpu = await until(`baton_task_memory_bytes{env="${env.id}"}`, (v) => v > 0, 'memory of every task');
  assert.equal(cpu.length, 5);
  // the agents' side: both up, heartbeating, their tasks' channels counted
  await until('baton_agent_connected', (v) => v === 1, 'both agents attached');
  await until('sum(baton_agent_channel_messages_per_second) > 0', (v) => v > 0, 'channel rates on the agents');
  await until('baton_node_up', (v) => v === 1, 'both nodes up on the controller');
  await until('baton_node_heartbeat_age_seconds', (v) => v < 3.5, 'heartbeats arriving');
  await until('baton_store_operation_seconds_count{operation="appendEvents"}', (v) => v > 0, 'store timings');
  await until('baton_grpc_calls_total{method="ControlEnvironment",code="OK"}', (v) => v === 3, 'three ControlEnvironment calls');
});

test('every panel of the Grafana dashboard is a valid query with data', async () => {
  const queries = dashboardQueries();
  assert.ok(queries.length >= 10, `the dashboard has ${queries.length} queries`);
  const empty: string[] = [];
  for (const q of queries) {
    const r = await prometheus.query(q.expr);
    assert.equal(r.status, 'success', `panel "${q.title}": ${q.expr}: ${r.errorType}: ${r.error}`);
    if (!r.data?.result.length && !MAY_BE_EMPTY.has(q.title)) empty.push(`${q.title}: ${q.expr}`);
  }
  // rates need two scrapes in their window: give Prometheus a few seconds before calling a panel empty
  for (const miss of [...empty]) {
    const expr = miss.slice(miss.indexOf(': ') + 2);
    const got = await waitFor(async () => ((await prometheus.values(expr)).length > 0 ? true : null), 15_000, `data for ${miss}`).catch(() => false);
    if (got) empty.splice(empty.indexOf(miss), 1);
  }
  assert.deepEqual(empty, [], 'panels without data while daq-chain is RUNNING');
});

test('promtool check metrics passes on the controller and on an agent', async () => {
  for (const url of [stack.ctl.metricsUrl, stack.agents[0]!.metricsUrl]) {
    const text = await scrape(url);
    assert.match(text, /^# HELP baton_/m);
    assert.equal(promtoolCheck(text), '', `promtool check metrics on ${url}`);
  }
});

test('STOP_ACTIVITY stores the run summary: what flowed on each channel edge', async () => {
  await new Promise((r) => setTimeout(r, 1500)); // a heartbeat or two of data
  const stop = await mustControl(stack.client, env.id, 'STOP_ACTIVITY');
  await until('baton_runs_total{state="closed"}', (v) => v === 1, 'the run counted as closed');
  const run = await call<unknown, Run>(stack.client, 'getRun', { runNumber: stop.runNumber || 1, withRendered: false });
  const summary = run.summary!;
  assert.ok(summary, 'the ended run has a summary');
  assert.equal(summary.countedFrom, 'run start');
  assert.equal(summary.aggregated, false);
  assert.ok(summary.durationMs > 0);
  assert.equal(summary.channels.length, 4);
  for (const c of summary.channels) {
    assert.ok(c.messages > 0 && c.bytes > 0, `${c.from} -> ${c.to}: ${c.messages} messages, ${c.bytes} bytes`);
    assert.ok(c.msgRate > 0 && c.byteRate > 0);
  }
  assert.equal(summary.restartsTotal, 0);
  await mustControl(stack.client, env.id, 'EXIT');
  await until('baton_transitions_total{transition="EXIT",outcome="ok"}', (v) => v === 1, 'EXIT counted');
  await until(`baton_task_exits_total{env="${env.id}",reason="expected"}`, (v) => v === 5, 'five expected exits');
});
