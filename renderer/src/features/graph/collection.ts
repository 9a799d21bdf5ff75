// A collapsed collection of the graph, opened: its member tasks one page at a time (optionally
// filtered by a name search), the state counts of all its members and the summed rates of the
// channels that cross its border. Paged, not sampled: a page is an exact slice of the members in
// role order, so "51–100 of 10,000" means the same tasks until the structure changes.
// Pure: no React.
import type { ChannelGraph, Role, Task } from '../../../../core/rpc/gen/control.js';

export interface CollectionMember {
  path: string;
  name: string;
  taskId: string;
  /** the state the role tree gives it (a lost task is ERROR there): shown while the page does
   * not hold the task itself (it holds only the task table's window) */
  roleState: string;
}

export interface CollectionRate {
  channel: string;
  /** out: a member binds, a task outside connects; in: the other way round */
  direction: 'in' | 'out';
  msgRate: number;
  byteRate: number;
  /** channel edges summed */
  edges: number;
}

export interface CollectionPage {
  /** members in the collection */
  total: number;
  /** members that match the search (all of them without one) */
  matched: number;
  /** index of the first row shown in the matched list */
  offset: number;
  rows: (CollectionMember & { state: string })[];
  byState: Record<string, number>;
  lost: number;
  rates: CollectionRate[];
}

export const COLLECTION_PAGE_SIZE = 50;

/** the container at a role path (paths of members need not nest under their container's) */
export function findRole(root: Role | undefined, path: string): Role | undefined {
  if (!root) return undefined;
  if (root.path === path && root.kind !== 'task') return root;
  for (const c of root.children) {
    if (c.kind === 'task') continue;
    const hit = findRole(c, path);
    if (hit) return hit;
  }
  return undefined;
}

/** the task leaves under a container, in role order */
export function collectionMembers(root: Role | undefined, path: string): CollectionMember[] {
  const at = findRole(root, path);
  const out: CollectionMember[] = [];
  const visit = (r: Role) => {
    if (r.kind === 'task') out.push({ path: r.path, name: r.name || r.path, taskId: r.taskId, roleState: r.state });
    else for (const c of r.children) visit(c);
  };
  if (at) visit(at);
  return out;
}

function stateOf(t: Task | undefined, fallback: string): string {
  return (t?.lost ? 'ERROR' : (t?.state ?? fallback)) || 'UNKNOWN';
}

export function collectionPage(
  members: readonly CollectionMember[],
  tasks: ReadonlyMap<string, Task>,
  graph: ChannelGraph | undefined,
  opts: { query?: string; offset?: number; pageSize?: number } = {},
): CollectionPage {
  const pageSize = opts.pageSize ?? COLLECTION_PAGE_SIZE;
  const byState: Record<string, number> = {};
  let lost = 0;
  const inside = new Set<string>();
  for (const m of members) {
    inside.add(m.path);
    const t = tasks.get(m.taskId);
    if (t?.lost) lost++;
    const s = stateOf(t, m.roleState);
    byState[s] = (byState[s] ?? 0) + 1;
  }
  const query = (opts.query ?? '').trim().toLowerCase();
  const matching = query ? members.filter((m) => m.name.toLowerCase().includes(query) || m.taskId.toLowerCase() === query) : members;
  const lastPage = Math.max(0, Math.floor((matching.length - 1) / pageSize) * pageSize);
  const offset = Math.min(Math.max(0, opts.offset ?? 0), lastPage);
  const rows = matching.slice(offset, offset + pageSize).map((m) => ({ ...m, state: stateOf(tasks.get(m.taskId), m.roleState) }));
  return {
    total: members.length,
    matched: matching.length,
    offset,
    rows,
    byState,
    lost,
    rates: borderRates(inside, graph),
  };
}

/** the channels crossing a collection's border, summed: edges with exactly one end inside (edges
 * between two members stay inside the box) */
export function borderRates(inside: ReadonlySet<string>, graph: ChannelGraph | undefined): CollectionRate[] {
  const rates = new Map<string, CollectionRate>();
  for (const e of graph?.edges ?? []) {
    const fromIn = e.from ? inside.has(e.from.role) : false;
    const toIn = e.to ? inside.has(e.to.role) : false;
    if (fromIn === toIn) continue;
    const channel = (fromIn ? e.from?.channel : e.to?.channel) ?? '';
    const direction = fromIn ? 'out' : 'in';
    const key = `${direction}:${channel}`;
    const r = rates.get(key) ?? { channel, direction, msgRate: 0, byteRate: 0, edges: 0 };
    r.msgRate += e.msgRate;
    r.byteRate += e.byteRate;
    r.edges += 1;
    rates.set(key, r);
  }
  return [...rates.values()].sort((a, b) => a.direction.localeCompare(b.direction) || a.channel.localeCompare(b.channel));
}
