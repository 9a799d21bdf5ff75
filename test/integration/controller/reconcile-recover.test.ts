// RECOVER reports DEPLOYED only once every task has settled: a critical task killed -9 in the
// middle of a CONFIGURE ends the CONFIGURE at once (ERROR), while the other tasks are still in
// their handlers; RECOVER right then used to judge them by their state before their answer (still
// STANDBY), say DEPLOYED, and the next CONFIGURE failed on tasks that had become CONFIGURED
// meanwhile. And CONFIGURE/START_ACTIVITY are refused, naming the tasks, when the environment's
// processes are gone; the reconcile loop reports that divergence and puts it in ERROR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BatonError } from '../../../core/model/errors.js';
import type { Run } from '../../../core/rpc/gen/control.js';
import { alive, call, control, createEnv, getEnv, listTasks, mustControl, startStack, subscribe, tempHome, tempRepo, waitFor, type Stack } from './harness.js';

const HANDLER_MS = 1500;
const KILL_AFTER_MS = 400;
const ROUNDS = 3;

const WORKFLOW = `
name: slowcfg
description: demo tasks whose transitions take a while
roles:
  - name: alpha
    task: {class: demo, critical: true, properties: {delay_ms: "${HANDLER_MS}"}}
  - name: beta
    task: {class: demo, critical: true, properties: {delay_ms: "${HANDLER_MS}"}}
  - name: gamma
    task: {class: demo, critical: false, properties: {delay_ms: "${HANDLER_MS}"}}
`;

const LOOSE = `
name: loose
description: demo tasks none of which is critical
roles:
  - name: one
    task: {class: demo, critical: false}
  - name: two
    task: {class: demo, critical: false}
`;

let stack: Stack;
let repo: string;
before(async () => {
  const home = tempHome();
  repo = tempRepo(home, { 'workflows/slowcfg.yaml': WORKFLOW, 'workflows/loose.yaml': LOOSE });
  stack = await startStack({ home, realAgents: 1 });
});
after(async () => {
  await stack?.stop();
});

test('RECOVER after a task killed -9 during CONFIGURE settles every task: the next CONFIGURE succeeds', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'slowcfg', {}, repo);
  await mustControl(c, env.id, 'DEPLOY');
  for (let round = 1; round <= ROUNDS; round++) {
    const alpha = (await listTasks(c, env.id)).find((x) => x.name === 'alpha')!;
    const configure = control(c, env.id, 'CONFIGURE');
    await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
    process.kill(-alpha.pid, 'SIGKILL');
    const final = (await configure).at(-1)!;
    assert.equal(final.ok, false, `round ${round}: the CONFIGURE failed with alpha`);
    assert.equal(final.state, 'ERROR');
    const recovered = await mustControl(c, env.id, 'RECOVER');
    assert.equal(recovered.state, 'DEPLOYED');
    const e = await getEnv(c, env.id);
    assert.deepEqual(
      e.tasks.map((x) => `${x.name}:${x.state}`).sort(),
      ['alpha:STANDBY', 'beta:STANDBY', 'gamma:STANDBY'],
      `round ${round}: DEPLOYED means every task in STANDBY`,
    );
    await mustControl(c, env.id, 'CONFIGURE');
    await mustControl(c, env.id, 'RESET');
  }
  await mustControl(c, env.id, 'EXIT');
});

test('START_ACTIVITY is refused, naming the tasks, when the processes are gone; the divergence is reported', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'loose', {}, repo);
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const sub = subscribe(c, { envId: env.id, fromSeq: 0, replayAll: true });
  const tasks = await listTasks(c, env.id);
  for (const x of tasks) process.kill(-x.pid, 'SIGKILL');
  await waitFor(() => tasks.every((x) => !alive(x.pid)), 5000, 'the processes to die');
  await waitFor(async () => (await listTasks(c, env.id)).every((x) => x.state === 'ERROR'), 5000, 'the exits to be reported');
  const refused = await control(c, env.id, 'START_ACTIVITY').then(
    () => null,
    (x: unknown) => x,
  );
  assert.ok(refused instanceof BatonError, 'START_ACTIVITY with no process behind it is refused');
  assert.equal(refused.code, 'TRANSITION_NOT_ALLOWED');
  const e = await getEnv(c, env.id);
  // refused by the check (names the tasks) or, if the reconcile loop came first, by the ERROR it set (names them too)
  const said = e.state === 'ERROR' ? e.error!.message : refused.message;
  for (const name of ['one', 'two']) assert.match(said, new RegExp(`\\b${name}\\b`));
  const runs = (await call<unknown, { runs: Run[] }>(c, 'listRuns', { envId: env.id, limit: 0 })).runs;
  assert.deepEqual(runs, [], 'no run was opened');
  const divergence = await waitFor(() => sub.events.find((x) => x.kind === 'env.divergence'), 10_000, 'an env.divergence event');
  assert.match(divergence.message, /one/);
  assert.match(divergence.message, /two/);
  const ended = await waitFor(
    async () => {
      const x = await getEnv(c, env.id);
      return x.state === 'ERROR' && x;
    },
    10_000,
    'ERROR: every task is gone',
  );
  assert.match(ended.error!.message, /every task/);
  sub.stop();
});
