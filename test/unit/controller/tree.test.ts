// The incremental role tree agrees with aggregateState after any sequence of task changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoleTree } from '../../../core/controller/model/tree.js';
import { StateCounts } from '../../../core/controller/model/counts.js';
import { aggregateState, TASK_STATES, type RoleState } from '../../../core/model/states.js';
import type { RoleNode } from '../../../core/workflow/types.js';

function leaf(path: string, critical: boolean, enabled = true): RoleNode {
  return { path, name: path, kind: 'task', enabled, critical, task: path, children: [] };
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
        nmin: 2,
        children: [leaf('ro/0', false), leaf('ro/1', false), leaf('ro/2', false)],
      },
      leaf('builder', true),
      { path: 'opt', name: 'opt', kind: 'aggregator', enabled: false, critical: false, children: [leaf('opt/x', true, false)] },
      { path: 'hook', name: 'hook', kind: 'call', enabled: true, critical: true, children: [] },
    ],
  };
}

/** the reference: aggregateState recomputed from scratch */
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

test('random task changes keep every role equal to the reference aggregation', () => {
  const t = new RoleTree(sample());
  const leaves = ['ro/0', 'ro/1', 'ro/2', 'builder'].map((p) => t.leafOf(p));
  assert.equal(t.node(0).state, 'STANDBY');
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 2000; i++) {
    t.setLeaf(leaves[rnd(leaves.length)]!, TASK_STATES[rnd(TASK_STATES.length)]!);
    for (let k = 0; k < t.size; k++) {
      if (!t.node(k).included || t.node(k).kind === 'call') continue;
      assert.equal(t.node(k).state, reference(t, k), `role ${t.node(k).path} after step ${i}`);
    }
  }
});

test('critical ERROR gives ERROR, non-critical ERROR gives MIXED; nmin counts healthy children', () => {
  const t = new RoleTree(sample());
  const l = (p: string) => t.leafOf(p);
  for (const p of ['ro/0', 'ro/1', 'ro/2', 'builder']) t.setLeaf(l(p), 'RUNNING');
  assert.equal(t.node(0).state, 'RUNNING');
  t.setLeaf(l('ro/0'), 'ERROR');
  assert.equal(t.node(l('ro/0')).parent >= 0, true);
  assert.equal(t.node(1).state, 'MIXED', 'a non-critical ERROR');
  assert.equal(t.belowNmin(l('ro/0')), false, '2 healthy of nmin 2');
  t.setLeaf(l('ro/1'), 'ERROR');
  assert.equal(t.belowNmin(l('ro/1')), true, '1 healthy of nmin 2');
  t.setLeaf(l('builder'), 'ERROR');
  assert.equal(t.node(0).state, 'ERROR', 'a critical ERROR');
  assert.equal(t.node(t.leafOf('opt/x')).included, false, 'a disabled subtree is excluded');
});

test('counts move in O(1)', () => {
  const c = new StateCounts();
  c.add('STANDBY');
  c.add('STANDBY');
  c.move('STANDBY', 'RUNNING');
  assert.deepEqual(c.toObject(), { STANDBY: 1, RUNNING: 1 });
  assert.equal(c.all('RUNNING'), false);
  c.move('STANDBY', 'RUNNING');
  assert.equal(c.all('RUNNING'), true);
  c.remove('RUNNING');
  assert.equal(c.total, 1);
});
