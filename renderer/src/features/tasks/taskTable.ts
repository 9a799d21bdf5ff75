// The task table's model: its filter (search, state chips, node) and sort, kept in the URL. The
// server applies them (ListTasks, core/controller/server/task-query.ts), a window at a time.
import type { Task } from '../../../../core/rpc/gen/control.js';

export type SortKey = 'name' | 'state' | 'node' | 'pid' | 'cpu' | 'memory' | 'class';
export type SortDir = 'asc' | 'desc';

export interface TaskFilter {
  search: string;
  /** empty: every state */
  states: readonly string[];
  node: string;
}

export const EMPTY_FILTER: TaskFilter = { search: '', states: [], node: '' };

/**
 * LOST and UNREACHABLE are pseudo-states for the chips: tasks whose agent is gone, and tasks whose
 * node is SUSPECT (their state is the last one known, unconfirmed: not a failure).
 */
export function displayState(t: Task): string {
  if (t.lost) return 'LOST';
  return t.unreachable ? 'UNREACHABLE' : t.state;
}

/** the sort keys ListTasks knows (the table's columns) */
const SORT_KEYS: readonly SortKey[] = ['name', 'state', 'node', 'pid', 'cpu', 'memory', 'class'];

/** The filter and sort as URL query values (so a reload keeps them), and back. */
export function filterFromQuery(q: URLSearchParams): { filter: TaskFilter; sort: SortKey; dir: SortDir } {
  const sortRaw = (q.get('sort') ?? 'name:asc').split(':');
  const sort = SORT_KEYS.includes(sortRaw[0] as SortKey) ? (sortRaw[0] as SortKey) : 'name';
  return {
    filter: { search: q.get('q') ?? '', states: (q.get('states') ?? '').split(',').filter(Boolean), node: q.get('node') ?? '' },
    sort,
    dir: sortRaw[1] === 'desc' ? 'desc' : 'asc',
  };
}
