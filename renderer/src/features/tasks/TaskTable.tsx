// The virtualized task table (only the visible rows are in the DOM): search, state chips, node
// filter, sortable columns; filter and sort live in the URL. The rows come a window at a time
// from the server, which filters, sorts and counts (useTaskWindow); rows not fetched yet show as
// placeholders. Rows are memoized on their Task object, which the store replaces only when that
// task changed.
import { memo, useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Task } from '../../../../core/rpc/gen/control.js';
import { navigate, useRoute } from '../../app/router.js';
import { StateChip } from '../../ui/StateChip.js';
import { formatBytes, formatCpu } from '../../ui/format.js';
import { TaskBadges } from './TaskBadges.js';
import { STALE_TITLE, taskIsDead } from './liveness.js';
import { displayState, filterFromQuery, type SortKey } from './taskTable.js';
import { useTaskWindow } from './useTaskWindow.js';

const NO_NODES: string[] = [];
const ROW_H = 34;
const COLUMNS: { key: SortKey; label: string; cls?: string }[] = [
  { key: 'name', label: 'Task' },
  { key: 'state', label: 'State' },
  { key: 'node', label: 'Node' },
  { key: 'pid', label: 'PID', cls: 'num' },
  { key: 'cpu', label: 'CPU', cls: 'num' },
  { key: 'memory', label: 'Memory', cls: 'num' },
  { key: 'class', label: 'Class' },
];
const CHIP_STATES = ['STANDBY', 'CONFIGURED', 'RUNNING', 'ERROR', 'DONE', 'LOST', 'UNREACHABLE'];

function setQuery(patch: Record<string, string | null>) {
  const q = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}

const Row = memo(function Row({ task, index, top, selected, onOpen }: { task: Task; index: number; top: number; selected: boolean; onOpen(id: string): void }) {
  const dead = taskIsDead(task);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`trow ${selected ? 'selected' : ''} ${task.critical ? 'critical' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <div role="gridcell" className="c-name">
        <button type="button" className="linklike" onClick={() => onOpen(task.id)} title={task.id}>
          {task.name}
        </button>
        {task.critical ? (
          <span className="badge" title="critical: its loss puts the environment in ERROR">
            critical
          </span>
        ) : null}
        <TaskBadges task={task} />
      </div>
      <div role="gridcell" className="c-state">
        <StateChip state={displayState(task)} label={task.unreachable ? `last known: ${task.state} (its node is SUSPECT)` : undefined} />
      </div>
      <div role="gridcell" className="c-node">
        {task.node || '–'}
      </div>
      <div role="gridcell" className={`c-pid num ${dead ? 'stale' : ''}`} title={dead ? STALE_TITLE : undefined}>
        {task.pid || '–'}
        {dead && task.pid ? <span className="stale-label"> stale</span> : null}
      </div>
      <div role="gridcell" className={`c-cpu num ${dead ? 'stale' : ''}`} title={dead ? STALE_TITLE : undefined}>
        {task.pid ? formatCpu(task.cpu) : '–'}
      </div>
      <div role="gridcell" className={`c-memory num ${dead ? 'stale' : ''}`} title={dead ? STALE_TITLE : undefined}>
        {task.rssBytes ? formatBytes(task.rssBytes) : '–'}
      </div>
      <div role="gridcell" className="c-class">
        {task.className}
      </div>
    </div>
  );
});

/** a row of the window not fetched yet (scrolled to, on its way) */
function PendingRow({ index, top }: { index: number; top: number }) {
  return (
    <div role="row" aria-rowindex={index + 2} aria-busy="true" className="trow pending" style={{ transform: `translateY(${top}px)` }}>
      <div role="gridcell" className="c-name muted">
        …
      </div>
    </div>
  );
}

export function TaskTable({ envId, onOpenTask }: { envId: string; onOpenTask(id: string): void }) {
  const route = useRoute();
  const { filter, sort, dir } = filterFromQuery(route.query);
  const selected = route.query.get('task');
  const win = useTaskWindow({ envId, filter, sort, dir });
  const page = win.page;
  const counts = page?.byDisplayState ?? {};
  const nodes = page?.nodes ?? NO_NODES;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({
    count: page?.total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 12,
    initialRect: { width: 1000, height: 600 },
  });
  const items = virt.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  // the window follows the rows on screen (win is a new object each render; show is stable in effect)
  useEffect(() => win.show(first, last), [first, last]);

  const toggleState = (s: string) => {
    const next = filter.states.includes(s) ? filter.states.filter((x) => x !== s) : [...filter.states, s];
    setQuery({ states: next.join(',') || null });
  };
  const sortBy = (k: SortKey) => setQuery({ sort: `${k}:${sort === k && dir === 'asc' ? 'desc' : 'asc'}` });

  return (
    <div className="task-table">
      <div className="filters" role="search" aria-label="Filter tasks">
        <label htmlFor="task-search" className="sr-only">
          Search tasks
        </label>
        <input
          id="task-search"
          type="search"
          placeholder="Search name, id, node, class, pid"
          data-search
          value={filter.search}
          onChange={(e) => setQuery({ q: e.target.value })}
        />
        <div className="chips" role="group" aria-label="States">
          {CHIP_STATES.map((s) => (
            <button key={s} type="button" className={`chip state-${s.toLowerCase()}`} aria-pressed={filter.states.includes(s)} onClick={() => toggleState(s)}>
              {s} <span className="chip-count">{counts[s] ?? 0}</span>
            </button>
          ))}
        </div>
        <label htmlFor="task-node">Node</label>
        <select id="task-node" value={filter.node} onChange={(e) => setQuery({ node: e.target.value || null })}>
          <option value="">all nodes</option>
          {nodes.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <span className="muted" role="status" aria-live="polite">
          {page ? `${page.total} of ${page.envTasks} tasks` : ''}
        </span>
      </div>
      {win.error ? (
        <p role="alert" className="error">
          The tasks could not be fetched: {win.error}
        </p>
      ) : null}
      {!page ? (
        <p role="status">Loading tasks…</p>
      ) : (
        <div role="grid" aria-label="Tasks" aria-rowcount={page.total + 1} aria-colcount={COLUMNS.length} className="tgrid">
          <div role="rowgroup" className="thead">
            <div role="row" aria-rowindex={1} className="trow">
              {COLUMNS.map((c) => (
                <div
                  key={c.key}
                  role="columnheader"
                  className={`c-${c.key} ${c.cls ?? ''}`}
                  aria-sort={sort === c.key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                    {c.label}
                    <span aria-hidden="true">{sort === c.key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                </div>
              ))}
            </div>
          </div>
          <div ref={scrollRef} className="tbody-scroll" role="rowgroup">
            <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
              {items.map((v) => {
                const t = win.rowAt(v.index);
                if (!t) return <PendingRow key={`pending-${v.index}`} index={v.index} top={v.start} />;
                return <Row key={t.id} task={t} index={v.index} top={v.start} selected={selected === t.id} onOpen={onOpenTask} />;
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
