// Placement: constraints against labels, resources against what is left, spread, PLACEMENT errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeTasks, type PlaceNode, type PlaceTask } from '../../../core/controller/scheduler.js';
import { BatonError } from '../../../core/model/errors.js';

function node(name: string, labels: Record<string, string> = {}, extra: Partial<PlaceNode> = {}): PlaceNode {
  return { name, labels, sim: false, cpu: 0, memoryBytes: 0, usedCpu: 0, usedMem: 0, load: 0, ...extra };
}
function task(name: string, extra: Partial<PlaceTask> = {}): PlaceTask {
  return { name, constraints: {}, wants: { cpu: 0, memoryBytes: 0 }, driver: 'process', ...extra };
}

test('constraints must match node labels', () => {
  const nodes = [node('a', { zone: 'up' }), node('b', { zone: 'down' }), node('c', { zone: 'up', det: 'tpc' })];
  const out = placeTasks(
    [
      task('r0', { constraints: { zone: 'up' } }),
      task('r1', { constraints: { zone: 'up' } }),
      task('d', { constraints: { zone: 'down' } }),
      task('t', { constraints: { zone: 'up', det: 'tpc' } }),
    ],
    nodes,
  );
  assert.ok(['a', 'c'].includes(out[0]!) && ['a', 'c'].includes(out[1]!) && out[0] !== out[1]);
  assert.equal(out[2], 'b');
  assert.equal(out[3], 'c');
});

test('spread: least loaded first, counting tasks already there', () => {
  const nodes = [node('a', {}, { load: 3 }), node('b'), node('c', {}, { load: 1 })];
  const out = placeTasks(
    Array.from({ length: 8 }, (_, i) => task(`t${i}`)),
    nodes,
  );
  const count = (n: string) => out.filter((x) => x === n).length;
  // final loads: a 3+1, b 0+4, c 1+3 -> every node ends at 4
  assert.deepEqual([count('a'), count('b'), count('c')], [1, 4, 3]);
});

test('resources: cpu and memory wants against what is left', () => {
  const nodes = [node('small', {}, { cpu: 1, memoryBytes: 1000 }), node('big', {}, { cpu: 4, memoryBytes: 1000, usedCpu: 1 })];
  const out = placeTasks(
    Array.from({ length: 4 }, (_, i) => task(`t${i}`, { wants: { cpu: 1, memoryBytes: 100 } })),
    nodes,
  );
  assert.equal(out.filter((x) => x === 'small').length, 1);
  assert.equal(out.filter((x) => x === 'big').length, 3);
  // 0 capacity means not limited
  assert.deepEqual(placeTasks([task('x', { wants: { cpu: 100, memoryBytes: 1e12 } })], [node('free')]), ['free']);
});

test('process tasks avoid sim agents; sim tasks go anywhere', () => {
  const nodes = [node('sim-1', {}, { sim: true }), node('real')];
  assert.deepEqual(placeTasks([task('p'), task('p2')], nodes), ['real', 'real']);
  const sims = placeTasks([task('s1', { driver: 'sim' }), task('s2', { driver: 'sim' })], [node('sim-1', {}, { sim: true }), node('sim-2', {}, { sim: true })]);
  assert.deepEqual(sims.sort(), ['sim-1', 'sim-2']);
});

test('PLACEMENT names the task and why nothing fits; nothing is half-placed', () => {
  const nodes = [node('a', { zone: 'up' }, { cpu: 1 })];
  const check = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: BatonError) => {
      assert.equal(e.code, 'PLACEMENT');
      assert.equal(e.detail.taskName, 'picky');
      assert.match(e.message, re);
      return true;
    });
  check(() => placeTasks([task('ok'), task('picky', { constraints: { zone: 'down' } })], nodes), /picky.*zone=down/);
  check(() => placeTasks([task('picky', { wants: { cpu: 2, memoryBytes: 0 } })], nodes), /picky.*cpu 2/);
  check(() => placeTasks([task('picky')], []), /no node is up/);
  assert.equal(nodes[0]!.load, 1, 'the caller passes snapshots: the failed pass only touched them');
});

test('150k tasks on 350 nodes place evenly', () => {
  const nodes = Array.from({ length: 350 }, (_, i) => node(`n${i}`, { sim: 'true' }, { sim: true }));
  const tasks = Array.from({ length: 150_000 }, (_, i) => task(`sim-${i}`, { driver: 'sim', constraints: { sim: 'true' } }));
  const out = placeTasks(tasks, nodes);
  const per = new Map<string, number>();
  for (const n of out) per.set(n, (per.get(n) ?? 0) + 1);
  assert.equal(per.size, 350);
  assert.ok(Math.max(...per.values()) - Math.min(...per.values()) <= 1);
});

test('tasks that share their spec objects in a row place as tasks that do not', () => {
  const nodes = () => [
    node('a', { zone: 'up' }, { cpu: 4 }),
    node('b', { zone: 'up' }, { cpu: 2 }),
    node('c', { zone: 'down' }, { cpu: 8 }),
    node('d', {}, { cpu: 8, sim: true }),
  ];
  // runs of one constraints/wants object (as unpacked tasks have), and a change of group within
  // a shared constraints object (other wants), of driver, and back to an earlier group
  const up = { zone: 'up' };
  const small = { cpu: 0.5, memoryBytes: 0 };
  const large = { cpu: 1, memoryBytes: 0 };
  const shared: PlaceTask[] = [];
  for (let i = 0; i < 4; i++) shared.push(task(`s${i}`, { constraints: up, wants: small }));
  for (let i = 0; i < 3; i++) shared.push(task(`l${i}`, { constraints: up, wants: large }));
  for (let i = 0; i < 3; i++) shared.push(task(`m${i}`, { constraints: {}, wants: small, driver: 'sim' }));
  for (let i = 0; i < 2; i++) shared.push(task(`t${i}`, { constraints: up, wants: small }));
  const copied = shared.map((t) => ({ ...t, constraints: { ...t.constraints }, wants: { ...t.wants } }));
  const placed = placeTasks(shared, nodes());
  assert.deepEqual(placed, placeTasks(copied, nodes()));
  // spread by load within each group; the sim tasks go to the least loaded nodes of all; the
  // last two fit only where cpu is left
  assert.deepEqual(placed, ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'c', 'd', 'c', 'a', 'a']);
  // 4 x 0.5 + 3 x 1 + 2 x 0.5 = zone up's 6 cores: one more task fits nowhere
  assert.throws(
    () => placeTasks([...shared, task('x', { constraints: up, wants: large })], nodes()),
    (e: unknown) => e instanceof BatonError && e.code === 'PLACEMENT',
  );
});
