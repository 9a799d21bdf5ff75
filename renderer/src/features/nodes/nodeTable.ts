// The Nodes page's table as pure functions: search, filter (schedule state, label) and sort, and
// what the console's user may do to a node (the controller's rules: cordon, drain and uncordon
// for an expert, add and remove for an admin). The URL keeps none of it: the page is a dashboard.
import type { Node } from '../../../../core/rpc/gen/control.js';

export type NodeSortKey = 'name' | 'health' | 'schedule' | 'tasks' | 'cpu' | 'memory';
export type ScheduleFilter = '' | 'ready' | 'cordoned' | 'draining' | 'drained';

export interface NodeQuery {
  search: string;
  schedule: ScheduleFilter;
  /** key=value, or a key alone (any value) */
  label: string;
  sort: NodeSortKey;
  descending: boolean;
}

export const NO_QUERY: NodeQuery = { search: '', schedule: '', label: '', sort: 'name', descending: false };

const ROLE_RANK: Record<string, number> = { observer: 0, shifter: 1, expert: 2, admin: 3 };

export function mayMaintain(role: string | undefined): boolean {
  return (ROLE_RANK[role ?? ''] ?? -1) >= ROLE_RANK.expert!;
}

export function mayAddOrRemove(role: string | undefined): boolean {
  return (ROLE_RANK[role ?? ''] ?? -1) >= ROLE_RANK.admin!;
}

function healthRank(n: Node): number {
  if (n.up) return 0;
  if (n.suspect) return 1;
  return n.refused ? 2 : 3;
}

function labelMatches(n: Node, label: string): boolean {
  const wanted = label.trim();
  if (!wanted) return true;
  const eq = wanted.indexOf('=');
  if (eq < 0) return wanted in n.labels;
  return n.labels[wanted.slice(0, eq).trim()] === wanted.slice(eq + 1).trim();
}

function searchMatches(n: Node, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  const hay = [n.name, n.host, n.address, ...Object.entries(n.labels).map(([k, v]) => `${k}=${v}`), ...n.usedBy].join(' ').toLowerCase();
  return hay.includes(q);
}

const COMPARE: Record<NodeSortKey, (a: Node, b: Node) => number> = {
  name: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }),
  health: (a, b) => healthRank(a) - healthRank(b),
  schedule: (a, b) => (a.schedule || 'ready').localeCompare(b.schedule || 'ready'),
  tasks: (a, b) => a.tasks - b.tasks,
  cpu: (a, b) => a.cpu - b.cpu,
  memory: (a, b) => a.memUsed - b.memUsed,
};

/** The nodes the query shows, in its order (ties by name). */
export function queryNodes(nodes: Iterable<Node>, q: NodeQuery): Node[] {
  const shown = [...nodes].filter((n) => searchMatches(n, q.search) && labelMatches(n, q.label) && (!q.schedule || (n.schedule || 'ready') === q.schedule));
  const by = COMPARE[q.sort];
  const sign = q.descending ? -1 : 1;
  return shown.sort((a, b) => sign * by(a, b) || COMPARE.name(a, b));
}

/** The next query after a click on a column's header: the same column flips, another sorts up. */
export function sortBy(q: NodeQuery, key: NodeSortKey): NodeQuery {
  return q.sort === key ? { ...q, descending: !q.descending } : { ...q, sort: key, descending: false };
}
