// Restart policy: a task with `restart: {policy: on-failure, max, within}` killed -9 while the
// environment is RUNNING comes back RUNNING in the same run, its channels wired again (data
// reaches it), the environment stays RUNNING; beyond max it is not restarted. Real agents, the
// demo DAQ programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEnv, getEnv, mustControl, startStack, subscribe, tempHome, tempRepo, waitFor } from './harness.js';
import type { Task } from '../../../core/rpc/gen/control.js';
import { after, logOf } from './daq-logs.js';

const WORKFLOW = `
name: restart-chain
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
    restart: {policy: on-failure, max: 1, within: 10m}
    task: {class: sink, critical: false}
`;

/** the sink printed a per-second line with frames in it after `marker` */
function sinkGetsData(t: Task, marker: RegExp): boolean {
  return /sink: [1-9]\d* frames\/s/.test(after(logOf(t), marker));
}

test('a crashed task with a restart policy comes back RUNNING in the same run, wired again; beyond max it stays down', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/restart-chain.yaml': WORKFLOW });
  const stack = await startStack({ home, realAgents: 2, controller: { templateRepos: [repo] } });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'restart-chain');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const run = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const events = subscribe(c, { envId: env.id, kinds: ['task.restart', 'env.state'] });
  t.after(() => events.stop());
  const first = await waitFor(
    async () => {
      const s = (await getEnv(c, env.id)).tasks.find((x) => x.name === 'sink')!;
      return sinkGetsData(s, /run \d+ started/) && s;
    },
    20_000,
    'the sink to receive data',
  );

  process.kill(first.pid, 'SIGKILL');
  const back = await waitFor(
    async () => {
      const s = (await getEnv(c, env.id)).tasks.find((x) => x.name === 'sink')!;
      return s.pid !== first.pid && s.state === 'RUNNING' && s.restarts === 1 && s;
    },
    30_000,
    'the sink to be restarted and RUNNING',
  );
  const e = await getEnv(c, env.id);
  assert.equal(e.state, 'RUNNING');
  assert.equal(e.runNumber, run, 'the same run goes on');
  assert.equal(e.degraded, false);
  const restart = events.events.find((x) => x.kind === 'task.restart' && x.taskId === back.id && !x.data.phase);
  assert.ok(restart, 'a task.restart event');
  assert.equal(restart.data.attempt, '1');
  assert.equal(restart.data.reason, 'killed by SIGKILL');
  // the new process heard the same run number and gets data from the builder again
  await waitFor(
    () => new RegExp(`sink: run ${run} started[\\s\\S]*sink: run ${run} started`).test(logOf(back)),
    10_000,
    'the restarted sink to start run ' + run,
  );
  await waitFor(async () => sinkGetsData(back, /sink: run \d+ started(?![\s\S]*sink: run \d+ started)/), 20_000, 'data to reach the restarted sink');

  // beyond max (1 within 10m): not restarted; it stays ERROR, the environment RUNNING but degraded
  process.kill(back.pid, 'SIGKILL');
  const exhausted = await waitFor(
    () => events.events.find((x) => x.kind === 'task.restart' && x.data.exhausted === 'true'),
    15_000,
    'the budget to be used up',
  );
  assert.match(exhausted.message, /not restarted/);
  const down = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.degraded && x;
    },
    15_000,
    'the environment to be degraded',
  );
  const sink = down.tasks.find((x) => x.name === 'sink')!;
  assert.equal(sink.state, 'ERROR');
  assert.equal(sink.restarts, 1);
  assert.equal(sink.pid, back.pid, 'no new process');
  assert.equal(down.state, 'RUNNING');
  assert.equal(down.runNumber, run);
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await mustControl(c, env.id, 'EXIT', 60_000);
});

test('a critical task with a restart policy: a crash within budget keeps the run; beyond it, ERROR and the run aborted', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, {
    'workflows/restart-critical.yaml': `
name: restart-critical
roles:
  - name: alpha
    task: {class: demo, critical: true, restart: {max: 1, within: 1h}}
  - name: beta
    task: {class: demo, critical: true}
`,
  });
  const stack = await startStack({ home, realAgents: 1, controller: { templateRepos: [repo] } });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'restart-critical');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const run = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
  const events = subscribe(c, { envId: env.id, kinds: ['task.restart', 'run.stop'] });
  t.after(() => events.stop());
  const alpha = (await getEnv(c, env.id)).tasks.find((x) => x.name === 'alpha')!;

  process.kill(alpha.pid, 'SIGKILL');
  const back = await waitFor(
    async () => {
      const a = (await getEnv(c, env.id)).tasks.find((x) => x.name === 'alpha')!;
      return a.pid !== alpha.pid && a.state === 'RUNNING' && a;
    },
    30_000,
    'alpha to be restarted',
  );
  let e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.transition === '' && x;
    },
    10_000,
    'the restart to end',
  );
  assert.equal(e.state, 'RUNNING');
  assert.equal(e.runNumber, run);

  process.kill(back.pid, 'SIGKILL');
  e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.state === 'ERROR' && x.transition === '' && x;
    },
    30_000,
    'ERROR once the budget is used up',
  );
  assert.equal(e.error!.taskName, 'alpha');
  assert.equal(e.tasks.find((x) => x.name === 'beta')!.state, 'CONFIGURED', 'beta was stopped');
  const stop = await waitFor(() => events.events.find((x) => x.kind === 'run.stop'), 5000, 'run.stop');
  assert.match(stop.message, /^aborted: task alpha exited/);
  assert.ok(events.events.some((x) => x.kind === 'task.restart' && x.data.exhausted === 'true'));
  await mustControl(c, env.id, 'EXIT', 60_000);
});
