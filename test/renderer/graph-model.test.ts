// The dataflow graph's model: tasks as nodes, channels as edges with rates, large iterators
// collapsed into groups with aggregated state, a node budget; and its ELK layout input/output.
import { describe, expect, it } from 'vitest';
import ELK from 'elkjs/lib/elk.bundled.js';
import { buildGraphModel, DEFAULT_GRAPH_OPTIONS } from '../../renderer/src/features/graph/model.js';
import { layoutOptions, positionsFromElk, toElkGraph } from '../../renderer/src/features/graph/layout.js';
import { edge, role, task } from './fixtures.js';
import type { Role, Task } from '../../core/rpc/gen/control.js';

function daqChain(readouts: number): { root: Role; tasks: Map<string, Task>; edges: ReturnType<typeof edge>[] } {
  const tasks = new Map<string, Task>();
  const kids: Role[] = [];
  for (let i = 0; i < readouts; i++) {
    const id = `t-r${i}`;
    tasks.set(id, task({ id, name: `readout-${i}`, state: 'RUNNING', critical: true }));
    kids.push(role({ path: `readout-${i}`, taskId: id, critical: true }));
  }
  tasks.set('t-b', task({ id: 't-b', name: 'builder', state: 'RUNNING' }));
  tasks.set('t-q', task({ id: 't-q', name: 'qc', state: 'RUNNING' }));
  const root = role({
    path: '',
    name: 'daq-chain',
    kind: 'aggregator',
    children: [
      role({ path: 'readout', name: 'readout-{{ it }}', kind: 'iterator', children: kids }),
      role({ path: 'builder', taskId: 't-b' }),
      role({ path: 'qc', taskId: 't-q' }),
    ],
  });
  const edges = [...kids.map((k) => edge(k.path, 'builder', 100)), edge('builder', 'qc', 50)];
  return { root, tasks, edges };
}

describe('graph model', () => {
  it('draws a container the controller sent collapsed as one group, with its counts, that never expands', () => {
    const { tasks } = daqChain(0);
    // 150,000 readouts sent as their count and states; their edges moved onto the container
    const farm = role({
      path: 'readout',
      name: 'readout-{{ it }}',
      kind: 'iterator',
      state: 'MIXED',
      leaves: 150_000,
      leafStates: { RUNNING: 149_990, ERROR: 10 },
    });
    const root = role({
      path: '',
      name: 'daq-chain',
      kind: 'aggregator',
      children: [farm, role({ path: 'builder', taskId: 't-b' }), role({ path: 'qc', taskId: 't-q' })],
    });
    const edges = [edge('readout', 'builder', 1000), edge('builder', 'qc', 50)];
    const m = buildGraphModel(root, { edges }, tasks, { ...DEFAULT_GRAPH_OPTIONS, expanded: new Set(['readout']) });
    expect(m.totalTasks).toBe(150_002);
    const group = m.nodes.find((n) => n.kind === 'group')!;
    expect(group).toMatchObject({ label: 'readout-*', path: 'readout', count: 150_000, byState: { RUNNING: 149_990, ERROR: 10 } });
    expect(m.collapsed).toContain('readout');
    expect(m.edges.map((e) => [e.source, e.target])).toEqual([
      ['group:readout', 'task:builder'],
      ['task:builder', 'task:qc'],
    ]);
  });

  it('draws small iterators task by task, with an edge per channel and its live rate', () => {
    const { root, tasks, edges } = daqChain(2);
    const m = buildGraphModel(root, { edges }, tasks);
    expect(m.nodes.map((n) => n.label)).toEqual(['readout-0', 'readout-1', 'builder', 'qc']);
    expect(m.nodes.every((n) => n.state === 'RUNNING')).toBe(true);
    expect(m.edges).toHaveLength(3);
    expect(m.edges.find((e) => e.target === 'task:qc')!.msgRate).toBe(50);
    expect(m.nodes[0]!.taskId).toBe('t-r0');
  });

  it('collapses a large iterator into one group, summing the rates of its edges', () => {
    const { root, tasks, edges } = daqChain(40);
    const m = buildGraphModel(root, { edges }, tasks);
    expect(m.nodes).toHaveLength(3);
    const g = m.nodes[0]!;
    expect(g).toMatchObject({ kind: 'group', label: 'readout-*', count: 40, state: 'RUNNING', byState: { RUNNING: 40 } });
    expect(m.edges).toHaveLength(2);
    expect(m.edges.find((e) => e.source === g.id)).toMatchObject({ msgRate: 4000, count: 40 });
    expect(m.collapsed).toEqual(['readout']);
  });

  it('aggregates a group to ERROR when a critical member fails, MIXED otherwise', () => {
    const { root, tasks, edges } = daqChain(20);
    tasks.set('t-r3', { ...tasks.get('t-r3')!, state: 'ERROR' });
    expect(buildGraphModel(root, { edges }, tasks).nodes[0]).toMatchObject({ state: 'ERROR', byState: { RUNNING: 19, ERROR: 1 } });
    const iter = root.children[0]!;
    iter.children.forEach((c) => {
      c.critical = false;
    });
    expect(buildGraphModel(root, { edges }, tasks).nodes[0]!.state).toBe('MIXED');
  });

  it('expands a group the operator opened', () => {
    const { root, tasks, edges } = daqChain(20);
    const m = buildGraphModel(root, { edges }, tasks, { ...DEFAULT_GRAPH_OPTIONS, expanded: new Set(['readout']) });
    expect(m.nodes).toHaveLength(22);
  });

  it('stays within the node budget for 10,000 tasks, whatever is expanded', () => {
    const { root, tasks, edges } = daqChain(10_000);
    const m = buildGraphModel(root, { edges }, tasks, { collapseOver: 8, maxNodes: 300, expanded: new Set(['readout']) });
    expect(m.nodes.length).toBeLessThanOrEqual(300);
    expect(m.totalTasks).toBe(10_002);
  });

  it('keeps the structure key across state and rate changes (no re-layout), not across new nodes', () => {
    const { root, tasks, edges } = daqChain(3);
    const a = buildGraphModel(root, { edges }, tasks);
    tasks.set('t-b', { ...tasks.get('t-b')!, state: 'ERROR' });
    const b = buildGraphModel(root, { edges: edges.map((e) => ({ ...e, msgRate: 999 })) }, tasks);
    expect(b.structureKey).toBe(a.structureKey);
    const c = buildGraphModel(daqChain(4).root, { edges }, tasks);
    expect(c.structureKey).not.toBe(a.structureKey);
  });

  it("shows a role's own state before its task is known", () => {
    const root = role({ path: '', kind: 'aggregator', children: [role({ path: 'x', state: 'CONFIGURED', taskId: 'unknown' })] });
    expect(buildGraphModel(root, undefined, new Map()).nodes[0]!.state).toBe('CONFIGURED');
  });
});

describe('graph layout', () => {
  it('uses the cheap ELK settings for big graphs only', () => {
    expect(layoutOptions(10)['elk.layered.thoroughness']).toBeUndefined();
    expect(layoutOptions(500)).toMatchObject({ 'elk.layered.thoroughness': '1', 'elk.layered.nodePlacement.strategy': 'SIMPLE' });
  });

  it('lays the chain out left to right with ELK', async () => {
    const { root, tasks, edges } = daqChain(2);
    const m = buildGraphModel(root, { edges }, tasks);
    const out = await new ELK().layout(toElkGraph(m) as never);
    const p = positionsFromElk(out as never);
    expect(p.size).toBe(4);
    expect(p.get('task:readout-0')!.x).toBeLessThan(p.get('task:builder')!.x);
    expect(p.get('task:builder')!.x).toBeLessThan(p.get('task:qc')!.x);
  });
});
