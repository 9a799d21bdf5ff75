// Bounded labels and fault paths, read straight from the endpoints (no Prometheus needed): with a
// task label limit of 3, daq-chain's 5 tasks are counted per collection (readout-* rather than
// readout-0 and readout-1), in the series and in the run summary; a failed CONFIGURE is counted
// with its error code, a killed readout as an exit by signal and the run as aborted, and a
// refused Control call by its code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Environment, Run, Task } from '../../../core/rpc/gen/control.js';
import { BatonError } from '../../../core/model/errors.js';
import { call, control, createEnv, getEnv, mustControl, tempHome, tempRepo, waitFor } from '../controller/harness.js';
import { scrape, startMetricsStack, type MetricsStack } from './stack.js';

let stack: MetricsStack;
let home: string;

before(async () => {
  home = tempHome();
  stack = await startMetricsStack(home, 3);
});
after(() => stack?.stop());

/** The value of the series `name{labels}` (labels in the order the endpoint prints them), or undefined. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('past the task label limit, tasks and channels are counted per collection', async () => {
  const env = await createEnv(stack.client, 'daq-chain', { readouts: '2', rate: '200', payload_bytes: '128' });
  await mustControl(stack.client, env.id, 'DEPLOY');
  await mustControl(stack.client, env.id, 'CONFIGURE');
  await mustControl(stack.client, env.id, 'START_ACTIVITY');
  const text = await waitFor(
    async () => {
      const t = await scrape(stack.ctl.metricsUrl);
      return (seriesValue(t, `baton_channel_messages_per_second{env="${env.id}",from="readout-*:out",to="builder:in"}`) ?? 0) > 0 && t;
    },
    15_000,
    'the readouts counted as one collection',
  );
  assert.equal(seriesValue(text, `baton_environment_tasks_aggregated{env="${env.id}"}`), 1);
  assert.doesNotMatch(text, /task="readout-\d"/, 'no series names a single readout');
  assert.doesNotMatch(text, /from="readout-\d:out"/);
  assert.ok((seriesValue(text, `baton_task_memory_bytes{env="${env.id}",task="readout-*"}`) ?? 0) > 0, 'the readouts memory, summed');

  // a readout killed: the environment goes to ERROR, its run is aborted with a summary
  await new Promise((r) => setTimeout(r, 1200));
  const tasks = (await getEnv(stack.client, env.id)).tasks as Task[];
  await call(stack.client, 'killTask', { id: tasks.find((t) => t.name === 'readout-0')!.id, signal: '' });
  const failed: Environment = await waitFor(
    async () => {
      const e = await getEnv(stack.client, env.id, false);
      return e.state === 'ERROR' && !e.transition && e;
    },
    20_000,
    'ERROR after the kill',
  );
  assert.equal(failed.state, 'ERROR');
  const runs = (await call<unknown, { runs: Run[] }>(stack.client, 'listRuns', { envId: env.id, limit: 1 })).runs;
  const run = await call<unknown, Run>(stack.client, 'getRun', { runNumber: runs[0]!.runNumber, withRendered: false });
  assert.equal(run.state, 'aborted');
  assert.equal(run.summary?.aggregated, true);
  const readouts = run.summary!.channels.find((c) => c.from === 'readout-*:out')!;
  assert.ok(readouts && readouts.messages > 0, `the readouts' collection moved ${readouts?.messages} messages`);
  assert.equal(run.summary!.channels.length, 3, 'readout-*:out -> builder:in, builder:out -> qc:in, builder:out -> sink:in');

  const after = await waitFor(
    async () => {
      const t = await scrape(stack.ctl.metricsUrl);
      return seriesValue(t, 'baton_runs_total{state="aborted"}') === 1 && t;
    },
    10_000,
    'the aborted run counted',
  );
  assert.ok((seriesValue(after, `baton_task_exits_total{env="${env.id}",reason="signal"}`) ?? 0) >= 1, 'the kill counted as an exit by signal');
  await mustControl(stack.client, env.id, 'EXIT');
});

test('a failed transition is counted with its error code, a refused call with its code', async () => {
  const repo = tempRepo(home, {
    'workflows/failing.yaml': `
name: failing
roles:
  - name: alpha
    task: {class: demo, critical: true, properties: {fail_on: CONFIGURE}}
`,
  });
  const env = await createEnv(stack.client, 'failing', {}, repo);
  await mustControl(stack.client, env.id, 'DEPLOY');
  const msgs = await control(stack.client, env.id, 'CONFIGURE');
  const final = msgs[msgs.length - 1]!;
  assert.equal(final.ok, false);
  const code = final.error!.code;
  await assert.rejects(call(stack.client, 'getRun', { runNumber: 9999, withRendered: false }), (e: BatonError) => e.code === 'NOT_FOUND');
  const text = await waitFor(
    async () => {
      const t = await scrape(stack.ctl.metricsUrl);
      return seriesValue(t, `baton_transition_failures_total{transition="CONFIGURE",code="${code}"}`) === 1 && t;
    },
    10_000,
    `CONFIGURE counted as failed with ${code}`,
  );
  assert.equal(seriesValue(text, 'baton_transitions_total{transition="CONFIGURE",outcome="failed"}'), 1);
  assert.equal(seriesValue(text, 'baton_grpc_calls_total{method="GetRun",code="NOT_FOUND"}'), 1);
});

test('a metrics listen address that is not host:port is refused before anything starts', async (t) => {
  const { startController } = await import('../../../core/controller/main.js');
  const { startAgent } = await import('../../../core/agent/main.js');
  const other = tempHome();
  t.after(() => fs.rmSync(other, { recursive: true, force: true }));
  await assert.rejects(
    startController({ home: other, listen: `unix://${other}/controller.sock`, metricsListen: 'unix:///tmp/x.sock' }),
    (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === 'metrics listen',
  );
  await assert.rejects(
    startController({ home: other, listen: `unix://${other}/controller.sock`, taskLabelLimit: -1 }),
    (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === 'taskLabelLimit',
  );
  await assert.rejects(
    startAgent({ name: 'n', home: other, listen: `unix://${other}/agent.sock`, labels: {}, metricsListen: 'nowhere' }),
    (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === 'metrics listen',
  );
  assert.deepEqual(fs.readdirSync(other), [], 'nothing was written');
  // a port in use: the endpoint cannot listen, the agent does not stay up half started
  const used = new URL(stack.ctl.metricsUrl!).host;
  await assert.rejects(
    startAgent({ name: 'n', home: other, listen: `unix://${other}/agent.sock`, labels: {}, metricsListen: used }),
    (e: BatonError) => e.code === 'BAD_INPUT' && /EADDRINUSE/.test(e.message),
  );
});
