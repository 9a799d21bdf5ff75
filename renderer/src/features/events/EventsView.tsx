// The events timeline (newest first, virtualized): history from the controller (QueryEvents) with
// the live tail on top and older pages on demand (useEventHistory), filters by kind, errors only,
// environment, text and time span; pause freezes the tail while events keep arriving. Filters
// live in the URL. Every time shows its date: a night shift crosses midnight.
import { useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Event } from '../../../../core/rpc/gen/control.js';
import { envPath, navigate, useRoute } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { Link } from '../../ui/Link.js';
import { formatDateTime, formatTime } from '../../ui/format.js';
import { runPath } from '../runs/runLinks.js';
import { isErrorEvent, KIND_GROUPS, type KindGroup } from './eventFilter.js';
import { useEventHistory } from './useEventHistory.js';
import { AckButton, AckAllButton } from '../alerts/AckButtons.js';

function setQuery(patch: Record<string, string | null>) {
  const q = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (!v) q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}

function describe(e: Event): string {
  const parts = [e.state, e.transition, e.data.phase, e.message, e.error?.message].filter(Boolean);
  return parts.join(' · ');
}

export function EventsView() {
  const route = useRoute();
  const envs = useConsole((s) => s.envs);
  const tasks = useConsole((s) => s.tasks);
  const [frozen, setFrozen] = useState(false);
  const groups = (route.query.get('kinds') ?? '').split(',').filter(Boolean) as KindGroup[];
  const envId = route.query.get('env') ?? '';
  const text = route.query.get('q') ?? '';
  // a run's time span (the Runs page links here with from/to)
  const fromMs = Number(route.query.get('from') ?? '') || 0;
  const toMs = Number(route.query.get('to') ?? '') || 0;
  const history = useEventHistory({ groups, envId, text, fromMs, toMs }, frozen);
  const rows = history.rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 30,
    overscan: 15,
    initialRect: { width: 1000, height: 600 },
  });
  const toggle = (g: KindGroup) => setQuery({ kinds: (groups.includes(g) ? groups.filter((x) => x !== g) : [...groups, g]).join(',') || null });
  return (
    <section className="page events-page" aria-labelledby="events-h">
      <header className="page-head">
        <h1 id="events-h">Events</h1>
        <button type="button" aria-pressed={frozen} onClick={() => setFrozen(!frozen)}>
          {frozen ? 'Resume' : 'Pause'}
        </button>
        <AckAllButton />
      </header>
      <div className="filters" role="search" aria-label="Filter events">
        <div className="chips" role="group" aria-label="Kinds">
          {KIND_GROUPS.map((g: KindGroup) => (
            <button key={g} type="button" className="chip" aria-pressed={groups.includes(g)} onClick={() => toggle(g)}>
              {g}
            </button>
          ))}
        </div>
        <label htmlFor="ev-env">Environment</label>
        <select id="ev-env" value={envId} onChange={(e) => setQuery({ env: e.target.value })}>
          <option value="">all</option>
          {[...envs.values()].map((e) => (
            <option key={e.id} value={e.id}>
              {e.name || e.id}
            </option>
          ))}
        </select>
        <label htmlFor="ev-q" className="sr-only">
          Search events
        </label>
        <input id="ev-q" type="search" placeholder="Search events" data-search value={text} onChange={(e) => setQuery({ q: e.target.value })} />
        {fromMs || toMs ? (
          <button type="button" className="chip" aria-pressed="true" onClick={() => setQuery({ from: null, to: null })} title="Show events at any time">
            {formatDateTime(fromMs)} – {toMs ? formatDateTime(toMs) : 'now'} ✕
          </button>
        ) : null}
        <span className="muted" role="status" aria-live="polite">
          {history.loading ? 'Loading… ' : ''}
          {rows.length} events{history.more ? ' shown (older ones stored)' : ''}
          {frozen ? ' (paused)' : ''}
        </span>
        {history.error ? (
          <span role="alert" className="error-text">
            History unavailable: {history.error}
          </span>
        ) : null}
      </div>
      <div role="table" aria-label="Events, newest first" aria-rowcount={rows.length + 1} className="tgrid events-grid">
        <div role="rowgroup" className="thead">
          <div role="row" aria-rowindex={1} className="trow">
            <div role="columnheader">Time</div>
            <div role="columnheader">Seq</div>
            <div role="columnheader">Kind</div>
            <div role="columnheader">Environment</div>
            <div role="columnheader">Task / node</div>
            <div role="columnheader">What</div>
          </div>
        </div>
        <div ref={scrollRef} className="tbody-scroll" role="rowgroup" tabIndex={0}>
          <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
            {virt.getVirtualItems().map((v) => {
              const e = rows[v.index]!;
              return (
                <div
                  key={e.seq || v.index}
                  role="row"
                  aria-rowindex={v.index + 2}
                  className={`trow ${isErrorEvent(e) ? 'is-error' : ''}`}
                  style={{ transform: `translateY(${v.start}px)` }}
                >
                  <div role="cell">
                    <time dateTime={new Date(e.timeMs).toISOString()}>{formatTime(e.timeMs)}</time>
                  </div>
                  <div role="cell" className="num mono">
                    {e.seq}
                  </div>
                  <div role="cell" className="mono">
                    {e.kind}
                  </div>
                  <div role="cell">{e.envId ? <Link href={envPath(e.envId)}>{envs.get(e.envId)?.name || e.envId}</Link> : ''}</div>
                  <div role="cell" className="mono small">
                    {e.taskId ? (
                      e.envId ? (
                        <Link href={envPath(e.envId, 'tasks', e.taskId)}>{tasks.get(e.taskId)?.name || e.error?.taskName || e.taskId}</Link>
                      ) : (
                        e.taskId
                      )
                    ) : (
                      e.node
                    )}
                  </div>
                  <div role="cell">
                    {describe(e)}
                    {e.runNumber ? (
                      <>
                        {' '}
                        <Link href={runPath(e.runNumber)}>run {e.runNumber}</Link>
                      </>
                    ) : null}
                    {isErrorEvent(e) ? <AckButton seq={e.seq} /> : null}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <p className="events-foot">
        <button type="button" onClick={history.loadOlder} disabled={!history.more || history.loading}>
          Load older events
        </button>
      </p>
    </section>
  );
}
