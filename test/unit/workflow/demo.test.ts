// The shipped demo workflows (assets/) expand as the controller, the CLI and the tests expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ASSETS, ROOT, loader } from './helpers.js';
import { renderPlan } from '../../../core/workflow/index.js';

test('quick: three controlled demo tasks, alpha and beta critical, gamma not', async () => {
  const w = await loader().expand('quick', {});
  assert.equal(w.name, 'quick');
  assert.equal(w.repo, ASSETS);
  assert.equal(w.revision, '');
  assert.deepEqual(
    w.tasks.map((t) => [t.name, t.critical]),
    [
      ['alpha', true],
      ['beta', true],
      ['gamma', false],
    ],
  );
  for (const t of w.tasks) {
    assert.equal(t.control, 'controlled');
    assert.equal(t.driver, 'process');
    assert.equal(t.className, 'demo');
    assert.equal(t.command, process.execPath);
    assert.deepEqual(t.args, [path.join(ROOT, 'dist/assets/programs/demo-task.js')]);
    assert.equal(t.properties.message, 'hello from Baton');
  }
  assert.deepEqual(
    w.root.children.map((n) => [n.path, n.kind, n.task]),
    [
      ['alpha', 'task', 'alpha'],
      ['beta', 'task', 'beta'],
      ['gamma', 'task', 'gamma'],
    ],
  );
  const m = await loader().expand('quick', { message: 'hi there' });
  assert.equal(m.tasks[0].properties.message, 'hi there');
});

test('daq-chain: readouts feed the builder, which publishes to qc and sink', async () => {
  const w = await loader().expand('daq-chain', {});
  assert.deepEqual(
    w.tasks.map((t) => t.name),
    ['readout-0', 'readout-1', 'builder', 'qc', 'sink'],
  );
  const readout = w.tasks[0];
  assert.equal(readout.critical, true);
  assert.deepEqual(readout.constraints, { zone: 'upstream' });
  assert.deepEqual(readout.binds, [{ name: 'out', type: 'push', transport: 'tcp' }]);
  assert.deepEqual(readout.args, [path.join(ROOT, 'dist/assets/programs/readout.js')]);
  const builder = w.tasks[2];
  assert.deepEqual(builder.connects[0].resolved, [
    { role: 'readout-0', channel: 'out' },
    { role: 'readout-1', channel: 'out' },
  ]);
  assert.equal(builder.connects[0].type, 'pull');
  assert.equal(w.tasks.find((t) => t.name === 'qc')!.critical, false);
  assert.deepEqual(
    w.channels.map((e) => `${e.from.role}:${e.from.channel}->${e.to.role}:${e.to.channel}/${e.type}`),
    ['readout-0:out->builder:in/push', 'readout-1:out->builder:in/push', 'builder:out->qc:in/pub', 'builder:out->sink:in/pub'],
  );
  assert.deepEqual(w.hooks, [], 'no webhook without hooks_url');
  const iter = w.root.children[0];
  assert.equal(iter.kind, 'iterator');
  assert.deepEqual(
    iter.children.map((c) => c.path),
    ['readout-0', 'readout-1'],
  );
});

test('daq-chain: the readouts var, qc disabled, the webhook when a URL is given', async () => {
  const w = await loader().expand('daq-chain', { readouts: '4', qc_enabled: 'false', hooks_url: 'http://127.0.0.1:1/x' });
  assert.deepEqual(
    w.tasks.map((t) => t.name),
    ['readout-0', 'readout-1', 'readout-2', 'readout-3', 'builder', 'sink'],
  );
  const qc = w.root.children.find((n) => n.name === 'qc')!;
  assert.equal(qc.enabled, false, 'a disabled role stays in the tree');
  assert.equal(w.channels.filter((e) => e.to.role === 'builder').length, 4);
  assert.equal(w.hooks.length, 1);
  assert.deepEqual(w.hooks[0].trigger, { when: 'after', transition: 'START_ACTIVITY' });
  assert.equal(w.hooks[0].timeoutMs, 5000);
  assert.equal(w.hooks[0].critical, false);
  assert.equal(w.hooks[0].args.url, 'http://127.0.0.1:1/x');
  assert.equal(w.hooks[0].args.body, '{"event": "start", "workflow": "daq-chain", "readouts": 4}');
  assert.deepEqual(w.vars, { readouts: 4, rate: 1000, payload_bytes: 1024, qc_enabled: false, hooks_url: 'http://127.0.0.1:1/x' });
});

test('sim-farm: sim tasks on sim nodes, non-critical, nmin 0', async () => {
  const w = await loader().expand('sim-farm', { tasks: '3', delay_ms: '25' });
  assert.deepEqual(
    w.tasks.map((t) => t.name),
    ['sim-0', 'sim-1', 'sim-2'],
  );
  for (const t of w.tasks) {
    assert.equal(t.driver, 'sim');
    assert.equal(t.critical, false);
    assert.deepEqual(t.constraints, { sim: 'true' });
    assert.equal(t.sim?.delayMs, 25);
  }
  assert.equal(w.root.children[0].nmin, 0);
  const none = await loader().expand('sim-farm', { tasks: '0' });
  assert.equal(none.tasks.length, 0);
});

test('sim-farm with 150,000 tasks expands (time printed, not asserted)', async () => {
  const l = loader();
  const t0 = process.hrtime.bigint();
  const w = await l.expand('sim-farm', { tasks: '150000' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(w.tasks.length, 150_000);
  assert.equal(w.tasks[149_999].name, 'sim-149999');
  console.log(`# sim-farm 150,000 tasks expanded in ${ms.toFixed(0)} ms`);
});

test('the demo var specs are complete enough for a console form', async () => {
  const list = await loader().list();
  assert.deepEqual(list.map((s) => s.name).sort(), ['daq-chain', 'quick', 'sim-farm']);
  for (const s of list) {
    assert.equal(s.error, undefined);
    assert.ok(s.description, `${s.name} has a description`);
    for (const v of s.vars) {
      assert.ok(v.label, `${s.name}.${v.name} has a label`);
      assert.ok(v.description, `${s.name}.${v.name} has a description`);
      assert.equal(typeof v.public, 'boolean', `${s.name}.${v.name} says whether it is public`);
      assert.notEqual(v.default, undefined, `${s.name}.${v.name} has a default`);
    }
  }
  const daq = list.find((s) => s.name === 'daq-chain')!;
  assert.deepEqual(
    daq.vars.find((v) => v.name === 'readouts'),
    {
      name: 'readouts',
      type: 'int',
      default: 2,
      min: 1,
      max: 64,
      label: 'Readout tasks',
      description: 'How many readout tasks feed the builder.',
      public: true,
      widget: 'slider',
    },
  );
});

test('the demo files lint clean', async () => {
  const l = loader();
  for (const f of [
    'workflows/quick.yaml',
    'workflows/daq-chain.yaml',
    'workflows/sim-farm.yaml',
    'tasks/demo.yaml',
    'tasks/readout.yaml',
    'tasks/builder.yaml',
    'tasks/qc-check.yaml',
    'tasks/sink.yaml',
    'tasks/sleeper.yaml',
    'tasks/sim.yaml',
  ]) {
    assert.deepEqual(await l.lint(path.join(ASSETS, f)), [], f);
  }
});

test('renderPlan gives the tree, tasks, channel graph and an empty placement map', async () => {
  const p = renderPlan(await loader().expand('daq-chain', {}));
  assert.deepEqual(p.counts, { roles: 7, tasks: 5, disabledRoles: 1, hooks: 0, channels: 4 });
  assert.deepEqual(
    p.channels.nodes.find((n) => n.role === 'builder'),
    { role: 'builder', binds: ['out'], connects: ['in'] },
  );
  assert.deepEqual(p.placements, {});
  assert.equal(JSON.parse(JSON.stringify(p)).tree.children.length, 5);
});
