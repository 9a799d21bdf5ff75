// `baton run show` prints a run's summary: every channel edge with its totals and average rates,
// and the tasks its restart policy relaunched during the run (here a sink killed -9 while
// RUNNING). Real controller, real agents, the demo DAQ programs, the real `baton` command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEnv, getEnv, mustControl, startStack, tempRepo, TOKEN, waitFor } from '../controller/harness.js';
import { json, ok, tempHome } from './harness.js';

const WORKFLOW = `
name: summary-chain
vars:
  rate: 200
  payload_bytes: 256
roles:
  - name: readout-{{ it }}
    for: {range: "{{ range(0, 2) }}", var: it}
    task: {class: readout, critical: true}
  - name: builder
    task: {class: builder, critical: true}
  - name: sink
    restart: {policy: on-failure, max: 2, within: 10m}
    task: {class: sink, critical: false}
`;

test('run show: channel totals and rates, and the restarts of the run', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/summary-chain.yaml': WORKFLOW });
  const stack = await startStack({ home, realAgents: 2, controller: { templateRepos: [repo] } });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'summary-chain');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const run = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const sink = await waitFor(
    async () => {
      const e = await getEnv(c, env.id, true, true);
      return e.graph!.edges.every((g) => g.msgRate > 0) && e.tasks.find((x) => x.name === 'sink');
    },
    20_000,
    'data on every channel',
  );
  process.kill(sink.pid, 'SIGKILL');
  await waitFor(
    async () => {
      const s = (await getEnv(c, env.id)).tasks.find((x) => x.name === 'sink')!;
      return s.pid !== sink.pid && s.state === 'RUNNING' && s.restarts === 1;
    },
    30_000,
    'the sink restarted',
  );
  await new Promise((r) => setTimeout(r, 1500)); // a heartbeat of the restarted sink's counters
  await mustControl(c, env.id, 'STOP_ACTIVITY');

  const as = { env: { BATON_CONTROLLER: stack.ctl.address, BATON_TOKEN: TOKEN } };
  const shown = (await ok(home, ['run', 'show', String(run)], as)).stdout;
  assert.match(shown, /^summary:\s+over [\d.]+ \w+, counted from run start$/m);
  for (const edge of ['readout-0:out\\s+builder:in\\s+push', 'readout-1:out\\s+builder:in\\s+push', 'builder:out\\s+sink:in\\s+pub']) {
    assert.match(shown, new RegExp(`${edge}\\s+[1-9][\\d,]*\\s+\\S+ \\S*B\\s+[\\d.,]+/s`), `a total and a rate for ${edge}`);
  }
  assert.match(shown, /restarts\s+1: sink 1/);

  const doc = await json(home, ['run', 'show', String(run)], as);
  assert.equal(doc.summary.countedFrom, 'run start');
  assert.equal(doc.summary.restartsTotal, 1);
  assert.deepEqual(doc.summary.restarts, [{ task: 'sink', restarts: 1 }]);
  assert.equal(doc.summary.channels.length, 3);
  for (const ch of doc.summary.channels) assert.ok(ch.messages > 0 && ch.msgRate > 0, `${ch.from} -> ${ch.to}`);
  await mustControl(c, env.id, 'EXIT');
});
