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
