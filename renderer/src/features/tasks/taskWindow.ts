// The task table's rows, a window at a time: the server filters, sorts and counts (ListTasks with
// offset/limit), the page holds only the rows on screen plus a margin, so a 150,000-task
// environment costs the page a few hundred tasks, not 80 MB of JSON. The loader decides when to
// ask: when the rows on screen leave the window held, when the filter or sort changes (at once),
// and when the environment changed on the server (at most once per gap); replies to superseded
// requests are dropped.
import type { ListTasksReply, ListTasksRequest, Task } from '../../../../core/rpc/gen/control.js';
import type { SortDir, SortKey, TaskFilter } from './taskTable.js';

/** rows fetched above and below those on screen */
export const WINDOW_MARGIN = 100;
/** window bounds are rounded to this many rows, so a small scroll refetches nothing */
export const WINDOW_STEP = 50;
/** the least time between two refetches of the same window for changes on the server */
export const REFRESH_GAP_MS = 1000;

export interface TableQuery {
  envId: string;
  filter: TaskFilter;
  sort: SortKey;
  dir: SortDir;
}

/** What the table shows: the window held, and the totals the server counted. */
export interface TaskPage {
  key: string;
  /** the row index of ids[0] */
  offset: number;
  ids: string[];
  /** tasks matching the filter */
  total: number;
  /** tasks of the environment */
  envTasks: number;
  byDisplayState: Record<string, number>;
  nodes: string[];
}

export function queryKey(q: TableQuery): string {
  return JSON.stringify([q.envId, q.filter.search.trim(), [...q.filter.states].sort(), q.filter.node, q.sort, q.dir]);
}

/** the window to fetch for rows first..last on screen */
export function windowAround(first: number, last: number): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor((first - WINDOW_MARGIN) / WINDOW_STEP) * WINDOW_STEP);
  const end = Math.ceil((Math.max(first, last) + 1 + WINDOW_MARGIN) / WINDOW_STEP) * WINDOW_STEP;
  return { offset, limit: end - offset };
}

export function listRequest(q: TableQuery, offset: number, limit: number): Partial<ListTasksRequest> {
  return {
    envId: q.envId,
    search: q.filter.search.trim(),
    states: [...q.filter.states],
    node: q.filter.node,
    sort: q.sort,
    descending: q.dir === 'desc',
    offset,
    limit,
  };
}

export type FetchPage = (req: Partial<ListTasksRequest>) => Promise<ListTasksReply>;

export class TaskWindowLoader {
  private seq = 0;
  private held: { key: string; offset: number; limit: number } | null = null;
  private shown: { query: TableQuery; key: string; first: number; last: number } | null = null;
  private lastFetchMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly onPage: (page: TaskPage, tasks: Task[]) => void,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly refreshGapMs = REFRESH_GAP_MS,
  ) {}

  /** the query or the rows on screen: fetches at once unless the window held covers them */
  show(query: TableQuery, first: number, last: number): void {
    const key = queryKey(query);
    this.shown = { query, key, first, last };
    const h = this.held;
    if (h && h.key === key && first >= h.offset && last < h.offset + h.limit) return;
    this.fetch();
  }

  /** something changed on the server (the environment was refreshed): the same rows, refetched */
  changed(): void {
    if (!this.shown || this.timer) return;
    const wait = this.lastFetchMs + this.refreshGapMs - Date.now();
    if (wait <= 0) this.fetch();
    else
      this.timer = setTimeout(() => {
        this.timer = null;
        this.fetch();
      }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fetch(): void {
    const shown = this.shown;
    if (!shown || this.stopped) return;
    const seq = ++this.seq;
    const { offset, limit } = windowAround(shown.first, shown.last);
    this.held = { key: shown.key, offset, limit };
    this.lastFetchMs = Date.now();
    this.fetchPage(listRequest(shown.query, offset, limit)).then(
      (reply) => {
        if (seq !== this.seq || this.stopped) return;
        this.onPage(
          {
            key: shown.key,
            offset,
            ids: reply.tasks.map((t) => t.id),
            total: reply.total,
            envTasks: reply.envTasks,
            byDisplayState: reply.byDisplayState,
            nodes: reply.nodes,
          },
          reply.tasks,
        );
      },
      (e: unknown) => {
        if (seq !== this.seq || this.stopped) return;
        // the next scroll, filter or change asks again
        this.held = null;
        this.onError(e);
      },
    );
  }
}
