// Failed transitions: a TIMEOUT names the late task and says it is slow (alive); a crash names
// the task, exit code and last lines; GO_ERROR on request; destroy kills what runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, control, createEnv, getEnv, listTasks, mustControl, startStack, tempHome, tempRepo, waitFor, alive, type Stack } from './harness.js';

const WORKFLOW = `
name: flaky
description: demo tasks told to hang or crash at a transition
vars:
  alpha_hang: {type: string, default: ""}
  beta_crash: {type: string, default: ""}
roles:
  - name: alpha
    task: {class: demo, critical: true, properties: {hang_on: "{{ alpha_hang }}"}}
  - name: beta
    task: {class: demo, critical: true, properties: {crash_on: "{{ beta_crash }}"}}
  - name: gamma
    task: {class: demo, critical: false}
`;

let stack: Stack;
let repo: string;
before(async () => {
  const home = tempHome();
  repo = tempRepo(home, { 'workflows/flaky.yaml': WORKFLOW });
  stack = await startStack({ home, realAgents: 1 });
});
after(async () => {
  await stack?.stop();
});

test('TIMEOUT names the late task and tells it is alive (slow)', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'flaky', { alpha_hang: 'START' }, repo);
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const t0 = Date.now();
  const msgs = await control(c, env.id, 'START_ACTIVITY', 1500);
  const final = msgs[msgs.length - 1]!;
  assert.ok(Date.now() - t0 < 6000, 'the deadline is enforced');
  assert.equal(final.ok, false);
  assert.equal(final.state, 'ERROR');
  assert.equal(final.error?.code, 'TIMEOUT');
  assert.equal(final.error?.taskName, 'alpha');
  const cause = final.error!.causes.find((x) => x.taskName === 'alpha')!;
  assert.equal(cause.data.reason, 'slow');
  assert.match(cause.message, /alive/);
  const runs = (await call<unknown, { runs: { state: string }[] }>(c, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.equal(runs[0]?.state, 'aborted', 'the run of a failed START is aborted');
  await mustControl(c, env.id, 'RECOVER');
  await mustControl(c, env.id, 'EXIT');
});

test('a crash during a transition names the task, its exit code and last lines', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'flaky', { beta_crash: 'CONFIGURE' }, repo);
  await mustControl(c, env.id, 'DEPLOY');
  const msgs = await control(c, env.id, 'CONFIGURE');
  const final = msgs[msgs.length - 1]!;
  assert.equal(final.ok, false);
  assert.equal(final.error?.code, 'TASK_FAILED');
  assert.equal(final.error?.taskName, 'beta');
  assert.equal(final.error?.exitCode, 3);
  assert.ok(final.error?.node);
  const e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id, false);
      return (x.error?.lastLines.length ?? 0) > 0 && x;
    },
    5000,
    'last lines',
  );
  assert.ok(
    e.error!.lastLines.some((l) => /crashing in CONFIGURE/.test(l)),
    e.error!.lastLines.join('\n'),
  );
  await call(c, 'destroyEnvironment', { id: env.id, force: true });
});

test('GO_ERROR on request, then destroy kills what runs', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'flaky', {}, repo);
  await mustControl(c, env.id, 'DEPLOY');
  const pids = (await listTasks(c, env.id)).map((x) => x.pid);
  const msgs = await control(c, env.id, 'GO_ERROR');
  assert.equal(msgs[msgs.length - 1]!.state, 'ERROR');
  assert.equal((await getEnv(c, env.id, false)).error?.code, 'GO_ERROR');
  const destroyed = await call<unknown, { id: string }>(c, 'destroyEnvironment', { id: env.id, force: false });
  assert.equal(destroyed.id, env.id);
  await waitFor(() => pids.every((p) => !alive(p)), 10_000, 'tasks killed');
  const envs = (await call<unknown, { environments: { id: string }[] }>(c, 'listEnvironments', {})).environments;
  assert.ok(!envs.some((x) => x.id === env.id));
});
