// The sim driver: many simulated tasks over the same protocol, with failure injection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startSimAgents } from '../../../core/agent/main.js';
import type { LaunchSpec } from '../../../core/rpc/gen/agent.js';
import { setup, spec, tempHome, TestController } from './harness.js';

const simSpec = (taskId: string, sim: Partial<NonNullable<LaunchSpec['sim']>> = {}): LaunchSpec =>
  spec({ taskId, driver: 'sim', command: '', sim: { delayMs: 0, failOn: '', failRate: 0, exitAfterMs: 0, ...sim } });

test('a sim agent takes 10,000 tasks through a full cycle', async (t) => {
  const { ctl } = await setup(t, { sim: true });
  const ids = Array.from({ length: 10_000 }, (_, i) => `env-sim/t-${i}`);
  const launched = await ctl.launch(ids.map((id) => simSpec(id, { delayMs: 5 })));
  assert.equal(launched.filter((u) => u.kind === 'launched').length, 10_000);
  const items = ids.map((taskId) => ({ taskId }));
  for (const [ev, st] of [
    ['CONFIGURE', 'CONFIGURED'],
    ['START', 'RUNNING'],
    ['STOP', 'CONFIGURED'],
    ['RESET', 'STANDBY'],
    ['EXIT', 'DONE'],
  ] as const) {
    const ups = (await ctl.transition(ev, items)).filter((u) => u.kind === 'state');
    assert.equal(ups.length, 10_000, ev);
    assert.ok(
      ups.every((u) => u.ok && u.state === st),
      `${ev} -> ${st}`,
    );
  }
  // updates are batched: far fewer messages than updates
  const msgs = ctl.msgs.filter((m) => m.msg?.$case === 'updates').length;
  assert.ok(msgs < 200, `${msgs} update messages`);
});

test('sim failure injection: fail_on, a slow task past the deadline, a crash after exit_after_ms', async (t) => {
  const { ctl } = await setup(t);
  await ctl.launch([
    simSpec('env-sim/ok'),
    simSpec('env-sim/failer', { failOn: 'START' }),
    simSpec('env-sim/slow', { delayMs: 5000 }),
    simSpec('env-sim/crasher', { exitAfterMs: 50 }),
  ]);
  const ex = await ctl.exited('env-sim/crasher');
  assert.equal(ex.state, 'ERROR');
  assert.equal(ex.error!.code, 'TASK_FAILED');
  const conf = await ctl.transition(
    'CONFIGURE',
    ['ok', 'failer', 'slow'].map((n) => ({ taskId: `env-sim/${n}` })),
    200,
  );
  const by = (ups: typeof conf, n: string) => ups.find((u) => u.taskId === `env-sim/${n}`)!;
  assert.equal(by(conf, 'ok').state, 'CONFIGURED');
  assert.equal(by(conf, 'slow').error!.code, 'TIMEOUT');
  assert.equal(by(conf, 'slow').error!.data.alive, 'true');
  const start = await ctl.transition(
    'START',
    ['ok', 'failer'].map((n) => ({ taskId: `env-sim/${n}` })),
  );
  assert.equal(by(start, 'ok').state, 'RUNNING');
  assert.equal(by(start, 'failer').ok, false);
  assert.equal(by(start, 'failer').state, 'ERROR');
  assert.equal(by(start, 'failer').error!.taskName, 'failer');
});

test('startSimAgents: one unix socket per agent in the given directory', async (t) => {
  const home = tempHome();
  const agents = await startSimAgents(5, { home, listen: `unix://${home}/sim`, labels: { zone: 'sim' } });
  t.after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    fs.rmSync(home, { recursive: true, force: true });
  });
  assert.deepEqual(
    agents.map((a) => a.name),
    ['sim-1', 'sim-2', 'sim-3', 'sim-4', 'sim-5'],
  );
  assert.equal(agents[2]!.address, `unix://${home}/sim/sim-3.sock`);
  const ctl = await TestController.open(agents[4]!.address, '');
  assert.equal(ctl.hello!.node, 'sim-5');
  assert.equal(ctl.hello!.sim, true);
  const ups = await ctl.launch([spec({ taskId: 'env-s/x', driver: 'process', command: 'true' })]);
  assert.equal(ups[0]!.kind, 'launched', 'every task of a sim agent is simulated');
  assert.equal(ups[0]!.pid, 0);
  ctl.close();
});
