// The Nodes page's search, filters, sort and role rules (renderer/src/features/nodes/nodeTable.ts).
import { describe, expect, it } from 'vitest';
import type { Node } from '../../core/rpc/gen/control.js';
import { mayAddOrRemove, mayMaintain, NO_QUERY, queryNodes, sortBy } from '../../renderer/src/features/nodes/nodeTable.js';

function node(p: Partial<Node> & { name: string }): Node {
  return {
    address: `unix:///tmp/${p.name}.sock`,
    host: 'localhost',
    labels: {},
    resources: undefined,
    up: true,
    lastSeenMs: 0,
    cpu: 0,
    memUsed: 0,
    memTotal: 0,
    tasks: 0,
    sim: false,
    pid: 0,
    suspect: false,
    suspectSinceMs: 0,
    refused: '',
    owner: '',
    loopLagMs: 0,
    schedule: 'ready',
    usedBy: [],
    inInventory: true,
    ...p,
  };
}

const NODES = [
  node({ name: 'daq-10', tasks: 1, labels: { rack: 'a' } }),
  node({ name: 'daq-2', tasks: 5, schedule: 'draining', usedBy: ['env-x'], labels: { rack: 'b' } }),
  node({ name: 'flp-1', tasks: 0, schedule: 'cordoned', up: false }),
];

describe('nodes table', () => {
  it('sorts names numerically, and a second click on a column reverses it', () => {
    expect(queryNodes(NODES, NO_QUERY).map((n) => n.name)).toEqual(['daq-2', 'daq-10', 'flp-1']);
    const byTasks = sortBy(NO_QUERY, 'tasks');
    expect(queryNodes(NODES, byTasks).map((n) => n.name)).toEqual(['flp-1', 'daq-10', 'daq-2']);
    expect(queryNodes(NODES, sortBy(byTasks, 'tasks')).map((n) => n.name)).toEqual(['daq-2', 'daq-10', 'flp-1']);
  });

  it('searches names, labels and the environments using a node; filters by schedule state and label', () => {
    expect(queryNodes(NODES, { ...NO_QUERY, search: 'env-x' }).map((n) => n.name)).toEqual(['daq-2']);
    expect(queryNodes(NODES, { ...NO_QUERY, schedule: 'cordoned' }).map((n) => n.name)).toEqual(['flp-1']);
    expect(queryNodes(NODES, { ...NO_QUERY, label: 'rack=a' }).map((n) => n.name)).toEqual(['daq-10']);
    expect(queryNodes(NODES, { ...NO_QUERY, label: 'rack' }).map((n) => n.name)).toEqual(['daq-2', 'daq-10']);
  });

  it('gives maintenance to experts and adding or removing to admins, as the controller rules do', () => {
    expect([mayMaintain('shifter'), mayMaintain('expert'), mayMaintain(undefined)]).toEqual([false, true, false]);
    expect([mayAddOrRemove('expert'), mayAddOrRemove('admin')]).toEqual([false, true]);
  });
});
