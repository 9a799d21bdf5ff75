// Runtime exclude/include on the incremental role tree: after any mix of task changes and
// (ex|in)clusions every role agrees with aggregateState over its included children.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoleTree } from '../../../core/controller/model/tree.js';
import { aggregateState, TASK_STATES, type RoleState } from '../../../core/model/states.js';
import type { RoleNode } from '../../../core/workflow/types.js';

function leaf(path: string, critical: boolean): RoleNode {
  return { path, name: path, kind: 'task', enabled: true, critical, task: path, children: [] };
}

function sample(): RoleNode {
  return {
    path: '',
    name: 'root',
    kind: 'aggregator',
    enabled: true,
    critical: true,
    children: [
      {
        path: 'ro',
        name: 'ro',
        kind: 'iterator',
        enabled: true,
        critical: true,
        nmin: 1,
        children: [leaf('ro/0', true), leaf('ro/1', true), leaf('ro/2', false)],
      },
      leaf('builder', true),
      { path: 'grp', name: 'grp', kind: 'aggregator', enabled: true, critical: false, children: [leaf('grp/a', false), leaf('grp/b', true)] },
    ],
  };
}

function reference(t: RoleTree, idx: number): RoleState {
  const n = t.node(idx);
  if (n.kind === 'task') return n.state;
  return aggregateState(
    n.children
      .map((c) => ({ ...t.node(c), index: c }))
      .filter((c) => c.counted)
      .map((c) => ({
        state: c.kind === 'task' ? c.state : reference(t, c.index),
        critical: c.critical,
        included: true,
      })),
  ).state;
}

test('excluding and including roles keeps every aggregated state equal to the reference', () => {
  const t = new RoleTree(sample());
  const leaves = ['ro/0', 'ro/1', 'ro/2', 'builder', 'grp/a', 'grp/b'].map((p) => t.leafOf(p));
  const toggles = ['ro/1', 'ro/2', 'grp', 'grp/a'].map((p) => t.indexOfPath(p));
  let seed = 11;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 3000; i++) {
    if (rnd(4) === 0) {
      const idx = toggles[rnd(toggles.length)]!;
      const parent = t.node(idx).parent;
      if (t.node(parent).included) t.setIncluded(idx, !t.node(idx).included);
    } else {
      t.setLeaf(leaves[rnd(leaves.length)]!, TASK_STATES[rnd(TASK_STATES.length)]!);
    }
    for (let k = 0; k < t.size; k++) assert.equal(t.node(k).state, reference(t, k), `step ${i}: ${t.node(k).path}`);
  }
});

test('an excluded critical ERROR no longer makes its parent ERROR; included back, it does', () => {
  const t = new RoleTree(sample());
  for (const p of ['ro/0', 'ro/1', 'ro/2', 'builder', 'grp/a', 'grp/b']) t.setLeaf(t.leafOf(p), 'RUNNING');
  t.setLeaf(t.leafOf('ro/1'), 'ERROR');
  assert.equal(t.node(0).state, 'ERROR');
  const ro1 = t.leafOf('ro/1');
  t.setIncluded(ro1, false);
  assert.equal(t.node(0).state, 'RUNNING');
  assert.equal(t.node(ro1).counted, false);
  t.setIncluded(ro1, true);
  assert.equal(t.node(0).state, 'ERROR');
});

test('a tree built in slices is the tree built at once', async () => {
  const whole = new RoleTree(sample());
  let pauses = 0;
  const sliced = await RoleTree.inSlices(sample(), 2, async () => {
    pauses++;
  });
  assert.ok(pauses > 2, `built with ${pauses} pauses`);
  const all = (t: RoleTree) => Array.from({ length: t.size }, (_, i) => t.node(i));
  assert.deepEqual(all(sliced), all(whole));
  for (const p of ['ro/0', 'ro/1', 'ro/2', 'builder', 'grp/a', 'grp/b']) assert.equal(sliced.leafOf(p), whole.leafOf(p));
  assert.deepEqual([...sliced.callOf], [...whole.callOf]);
});
