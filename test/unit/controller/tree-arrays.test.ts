// The role tree kept in arrays reads back as the workflow's role tree: parents, children in
// order, subtree ranges, task leaves found by the expansion's order or by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoleTree } from '../../../core/controller/model/tree.js';
import type { RoleNode } from '../../../core/workflow/types.js';

function leaf(path: string): RoleNode {
  return { path, name: path.split('/').pop()!, kind: 'task', enabled: true, critical: false, task: `t-${path}`, children: [] };
}

function inner(path: string, kind: RoleNode['kind'], children: RoleNode[]): RoleNode {
  return { path, name: path.split('/').pop() ?? '', kind, enabled: true, critical: false, children };
}

/** three levels, an empty aggregator, a hook, iterators of different sizes */
function sample(): RoleNode {
  return inner('', 'aggregator', [
    inner('a', 'iterator', [leaf('a/0'), leaf('a/1'), inner('a/2', 'aggregator', [leaf('a/2/x'), leaf('a/2/y')])]),
    inner('empty', 'aggregator', []),
    { path: 'hook', name: 'hook', kind: 'call', enabled: true, critical: false, children: [] },
    leaf('b'),
    inner(
      'c',
      'iterator',
      Array.from({ length: 5 }, (_, i) => leaf(`c/${i}`)),
    ),
  ]);
}

/** pre-order walk of the workflow's nodes: [node, parent index] */
function preOrder(root: RoleNode): [RoleNode, number][] {
  const out: [RoleNode, number][] = [];
  const walk = (r: RoleNode, parent: number): void => {
    const idx = out.length;
    out.push([r, parent]);
    for (const c of r.children) walk(c, idx);
  };
  walk(root, -1);
  return out;
}

test('every node reads back with its parent, its children in order and its subtree range', () => {
  const root = sample();
  const t = new RoleTree(root);
  const expected = preOrder(root);
  assert.equal(t.size, expected.length);
  expected.forEach(([r, parent], idx) => {
    assert.equal(t.path(idx), r.path);
    assert.equal(t.kind(idx), r.kind);
    assert.equal(t.parent(idx), parent, `parent of ${r.path}`);
    const children = expected.flatMap(([, p], i) => (p === idx ? [i] : []));
    assert.deepEqual(t.children(idx), children, `children of ${r.path}`);
    const below = expected.filter((_, i) => i > idx && isBelow(expected, i, idx)).length;
    assert.equal(t.subtreeEnd(idx), idx + 1 + below, `subtree end of ${r.path}`);
    assert.equal(t.indexOfPath(r.path), idx);
  });
  assert.equal(t.indexOfPath('nope'), -1);
  assert.equal(t.node(t.indexOfPath('c')).nmin, 0);
  assert.throws(() => t.node(t.size), RangeError);
});

function isBelow(nodes: [RoleNode, number][], i: number, ancestor: number): boolean {
  for (let p = nodes[i]![1]; p >= 0; p = nodes[p]![1]) if (p === ancestor) return true;
  return false;
}

test('a task leaf is found by its place in the expansion, and by name when that place is wrong', () => {
  const t = new RoleTree(sample());
  const names = ['t-a/0', 't-a/1', 't-a/2/x', 't-a/2/y', 't-b', 't-c/0', 't-c/1', 't-c/2', 't-c/3', 't-c/4'];
  names.forEach((name, position) => {
    const idx = t.leafOf(name, position);
    assert.equal(t.taskName(idx), name);
    assert.equal(t.leafOf(name, names.length - 1 - position), idx, `${name} at a wrong position`);
    assert.equal(t.leafOf(name), idx, `${name} without a position`);
  });
  assert.equal(t.leafOf('t-none', 0), -1);
  assert.equal(t.leafOf('t-none'), -1);
});

test('a state no role can be in is refused, and changes nothing', () => {
  const t = new RoleTree(sample());
  const idx = t.leafOf('t-b');
  assert.throws(() => t.setLeaf(idx, 'BOGUS' as 'RUNNING'), /unknown state BOGUS/);
  assert.equal(t.state(idx), 'STANDBY');
  assert.equal(t.state(0), 'STANDBY');
});
