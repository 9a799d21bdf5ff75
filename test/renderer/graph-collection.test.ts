// A large collection of the graph, opened: its members page by page and by search, the state
// counts of all of them, the summed rates of the channels crossing its border; and the minimap's
// colours by state.
import { describe, expect, it } from 'vitest';
import { collectionMembers, collectionPage, findRole } from '../../renderer/src/features/graph/collection.js';
import { minimapColor } from '../../renderer/src/features/graph/minimap.js';
import { edge, role, task } from './fixtures.js';
import type { Role, Task } from '../../core/rpc/gen/control.js';

/** a farm of n workers (iterator) feeding one collector; every 10th worker CONFIGURED, one lost */
function farm(n: number): { root: Role; tasks: Map<string, Task>; edges: ReturnType<typeof edge>[] } {
  const tasks = new Map<string, Task>();
  const kids: Role[] = [];
  for (let i = 0; i < n; i++) {
    const id = `t-${i}`;
    tasks.set(id, task({ id, name: `sim-${i}`, state: i % 10 === 0 ? 'CONFIGURED' : 'RUNNING', lost: i === 7 }));
    kids.push(role({ path: `workers/sim-${i}`, name: `sim-${i}`, taskId: id }));
  }
  tasks.set('t-c', task({ id: 't-c', name: 'collector', state: 'RUNNING' }));
  const root = role({
    path: '',
    name: 'farm',
    kind: 'aggregator',
    children: [role({ path: 'workers', name: 'sim-{{ it }}', kind: 'iterator', children: kids }), role({ path: 'collector', taskId: 't-c' })],
  });
  const edges = [...kids.map((k) => edge(k.path, 'collector', 10, 'data')), edge('workers/sim-0', 'workers/sim-1', 999, 'peer')];
  return { root, tasks, edges };
}

describe('graph collection drill-down', () => {
  it('finds a container by its path and lists its task members in role order', () => {
    const { root } = farm(5);
    expect(findRole(root, 'workers')?.kind).toBe('iterator');
    expect(findRole(root, 'collector')).toBeUndefined(); // a task, not a container
    expect(collectionMembers(root, 'workers').map((m) => m.name)).toEqual(['sim-0', 'sim-1', 'sim-2', 'sim-3', 'sim-4']);
    expect(collectionMembers(root, 'nowhere')).toEqual([]);
  });

  it('pages 10,000 members 50 at a time, counting the states of all of them', () => {
    const { root, tasks, edges } = farm(10_000);
    const members = collectionMembers(root, 'workers');
    const first = collectionPage(members, tasks, { edges });
    expect(first.total).toBe(10_000);
    expect(first.matched).toBe(10_000);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]).toMatchObject({ name: 'sim-0', taskId: 't-0', state: 'CONFIGURED' });
    // the lost task counts as ERROR in the states, and as lost
    expect(first.byState).toEqual({ CONFIGURED: 1000, RUNNING: 8999, ERROR: 1 });
    expect(first.lost).toBe(1);
    const sum = Object.values(first.byState).reduce((a, b) => a + b, 0);
    expect(sum).toBe(first.total);
    const third = collectionPage(members, tasks, { edges }, { offset: 100 });
    expect(third.rows[0]!.name).toBe('sim-100');
    // past the end: the last page, not an empty one
    const last = collectionPage(members, tasks, { edges }, { offset: 1_000_000 });
    expect(last.offset).toBe(9950);
    expect(last.rows.at(-1)!.name).toBe('sim-9999');
  });

  it('searches members by name and pages within the matches', () => {
    const { root, tasks } = farm(10_000);
    const members = collectionMembers(root, 'workers');
    const hit = collectionPage(members, tasks, undefined, { query: 'sim-999' });
    // sim-999 and sim-9990..sim-9999
    expect(hit.matched).toBe(11);
    expect(hit.rows.map((r) => r.name)).toContain('sim-9999');
    expect(hit.total).toBe(10_000);
    const none = collectionPage(members, tasks, undefined, { query: 'nope' });
    expect(none).toMatchObject({ matched: 0, offset: 0, rows: [] });
  });

  it('sums the rates of channels crossing the border, not those between members', () => {
    const { root, tasks, edges } = farm(100);
    const page = collectionPage(collectionMembers(root, 'workers'), tasks, { edges });
    expect(page.rates).toEqual([{ channel: 'data', direction: 'out', msgRate: 1000, byteRate: 100_000, edges: 100 }]);
    // seen from the collector's side of a one-task "collection": nothing is a container there
    const reversed = collectionPage([{ path: 'collector', name: 'collector', taskId: 't-c', roleState: 'RUNNING' }], tasks, { edges });
    expect(reversed.rates).toEqual([{ channel: 'in', direction: 'in', msgRate: 1000, byteRate: 100_000, edges: 100 }]);
  });

  it('colours minimap nodes by state, through the theme', () => {
    expect(minimapColor('RUNNING')).toBe('var(--s-running-line)');
    expect(minimapColor('ERROR')).toBe('var(--s-error-line)');
    expect(minimapColor('DEPLOYING')).toBe('var(--s-standby-line)');
  });
});
