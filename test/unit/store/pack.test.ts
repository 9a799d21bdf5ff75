// The packed form of an expanded workflow round-trips exactly and is much smaller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packExpanded, unpackExpanded } from '../../../core/store/pack.js';

function workflow(n: number) {
  const tasks = [];
  const leaves = [];
  for (let i = 0; i < n; i++) {
    tasks.push({
      name: `sim-${i}`,
      rolePath: `sim-${i}`,
      className: 'sim',
      env: {},
      args: [],
      constraints: { sim: 'true' },
      sim: { delayMs: 0, failRate: 0 },
      critical: false,
    });
    leaves.push({ path: `sim-${i}`, name: `sim-${i}`, kind: 'task', enabled: true, critical: false, task: `sim-${i}`, children: [] });
  }
  tasks.push({ name: 'odd', rolePath: 'group/odd', className: 'other', env: { A: '1' }, args: ['x'], critical: true });
  return {
    name: 'w',
    description: '',
    repo: '/r',
    revision: '',
    file: '/r/w.yaml',
    vars: { tasks: n },
    varSpecs: [],
    root: {
      path: '',
      name: 'w',
      kind: 'aggregator',
      enabled: true,
      critical: true,
      children: [
        { path: 'sim-{{ it }}', name: 'sim-{{ it }}', kind: 'iterator', enabled: true, critical: true, nmin: 2, children: leaves },
        {
          path: 'group',
          name: 'group',
          kind: 'aggregator',
          enabled: false,
          critical: true,
          children: [{ path: 'group/odd', name: 'odd', kind: 'task', enabled: false, critical: true, task: 'odd', children: [], extra: 1 }],
        },
      ],
    },
    tasks,
    hooks: [{ name: 'h', func: 'sleep', args: {}, trigger: { when: 'after', transition: 'DEPLOY' }, weight: 0, timeoutMs: 1, critical: false }],
    channels: [],
  };
}

test('pack/unpack round-trips and shrinks a large workflow', () => {
  const w = workflow(5000);
  const packed = packExpanded(w);
  assert.deepEqual(unpackExpanded(JSON.parse(JSON.stringify(packed))), w);
  assert.ok(JSON.stringify(packed).length * 3 < JSON.stringify(w).length, 'at least 3x smaller');
});

test('anything that is not an expanded workflow is stored as is', () => {
  for (const v of [null, 1, 'x', { a: 1 }, { tasks: 'no', root: {} }]) {
    assert.deepEqual(unpackExpanded(packExpanded(v)), v);
  }
});

test('numbered runs: a farm packs to a size that does not grow with its tasks', () => {
  const small = JSON.stringify(packExpanded(workflow(10)));
  const large = JSON.stringify(packExpanded(workflow(100_000)));
  // three numbers grow: the var `tasks`, the count of the tasks' run and that of the leaves' run
  assert.equal(large.length - small.length, 3 * ('100000'.length - '10'.length));
});

/** a workflow whose tasks are given by name and role path, each a leaf of one iterator */
function named(names: [string, string][], leafOf = (name: string, rolePath: string) => ({ path: rolePath, name, task: name })) {
  return {
    name: 'w',
    vars: {},
    root: {
      path: '',
      name: 'w',
      kind: 'aggregator',
      enabled: true,
      critical: true,
      children: names.map(([name, rolePath], i) => ({ ...leafOf(name, rolePath), kind: 'task', enabled: i % 7 !== 3, critical: false, children: [] })),
    },
    tasks: names.map(([name, rolePath], i) => ({ name, rolePath, className: i === 12 ? 'other' : 'sim', env: {}, args: [] })),
  };
}

test('numbered runs round-trip whatever breaks them', () => {
  const names: [string, string][] = [];
  // a nested role path, a number inside the name, a gap, a leading zero, a number past the run,
  // names without a number, one spec different (task 12), a leaf disabled every 7th
  for (let i = 0; i < 10; i++) names.push([`a-${i}`, `grp/a-${i}`]);
  for (let i = 5; i < 12; i++) names.push([`w${i}x`, `w${i}x`]);
  names.push(['w14x', 'w14x'], ['w15x', 'w15x'], ['n-01', 'n-01'], ['n-02', 'n-02'], ['plain', 'plain'], ['other', 'other']);
  for (let i = 999_999_999_999_997; i < 1_000_000_000_000_002; i++) names.push([`big${i}`, `big${i}`]);
  for (let i = 0; i < 6; i++) names.push([`r-${i}`, `g/r-${i + 1}`]); // role number differs from the name's
  const w = named(names);
  assert.deepEqual(unpackExpanded(JSON.parse(JSON.stringify(packExpanded(w)))), w);
  // leaves whose task is not the name's number
  const shifted = named(names, (name, rolePath) => ({ path: rolePath, name, task: `${name}-t` }));
  assert.deepEqual(unpackExpanded(JSON.parse(JSON.stringify(packExpanded(shifted)))), shifted);
});

test('a form stored before the numbered runs (v1) still unpacks', () => {
  const v1 = {
    $format: 'baton.packed.v1',
    base: { name: 'w', vars: {} },
    specs: [{ className: 'sim' }],
    tasks: [
      [0, 'sim-0'],
      [0, 'sim-1', 'g/sim-1'],
    ],
    root: { path: '', name: 'w', kind: 'aggregator', enabled: true, critical: true, children: [['sim-0', 'sim-0', 1, 0, 'sim-0']] },
  };
  assert.deepEqual(unpackExpanded(v1), {
    name: 'w',
    vars: {},
    root: {
      path: '',
      name: 'w',
      kind: 'aggregator',
      enabled: true,
      critical: true,
      children: [{ path: 'sim-0', name: 'sim-0', kind: 'task', enabled: true, critical: false, task: 'sim-0', children: [] }],
    },
    tasks: [
      { name: 'sim-0', rolePath: 'sim-0', className: 'sim' },
      { name: 'sim-1', rolePath: 'g/sim-1', className: 'sim' },
    ],
  });
});
