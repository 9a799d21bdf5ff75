// A task's log, loaded page by page from its agent: the last lines then followed live (resuming
// from the last position after a drop), older pages on scrolling up or "Load older", the whole
// log from its start on request, each line with the agent's capture time and the agent's markers
// (crash, exit, start, agent restart, transitions) in place. A note says when what is shown is
// only part of the log; Download streams the complete file through the gateway.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LogChunk, LogEntry } from '../../../../core/rpc/gen/common.js';
import { LOG_DOWNLOAD_PATH, TOKEN_QUERY } from '../../../../core/gateway/contract.js';
import { currentToken } from '../../api/auth.js';
import { openStream, type StreamHandle } from '../../api/stream.js';
import { clockOf, key, markerLabel, readPage, withoutSeen } from './logPages.js';
import { openLogPopOut } from './popOut.js';

const TAIL = 500;
const PAGE = 1000;
/** entries kept in the page at most: beyond, the far side is dropped (and the view says so) */
const MAX_ENTRIES = 20_000;

/** A chunk's entries; a driver without a log file (simulated tasks) sends plain lines only. */
function entriesOf(c: LogChunk): LogEntry[] {
  if (c.entries.length || !c.lines.length) return c.entries;
  return c.lines.map((text, i) => ({ text, position: c.offset - c.lines.length + i, timeMs: 0, marker: '', taskId: '', taskName: '' }));
}

function downloadUrl(taskId: string): string {
  return `${LOG_DOWNLOAD_PATH}?task=${encodeURIComponent(taskId)}&${TOKEN_QUERY}=${encodeURIComponent(currentToken() ?? '')}`;
}

function Entry({ e, timestamps, current }: { e: LogEntry; timestamps: boolean; current: boolean }) {
  if (e.marker) {
    const label = markerLabel(e.marker);
    return (
      <div className={`log-marker log-marker-${e.marker}`} role="note" aria-label={`${label}: ${e.text}`} data-pos={e.position}>
        {timestamps ? <span className="log-time">{clockOf(e.timeMs)}</span> : null}
        <strong>{label}</strong> {e.text}
      </div>
    );
  }
  return (
    <div className={`log-line${current ? ' current' : ''}`} data-pos={e.position}>
      {timestamps ? <span className="log-time">{clockOf(e.timeMs)}</span> : null}
      <span className="log-text">{e.text}</span>
    </div>
  );
}

/** poppedOut: the viewer fills a window of its own (LogPopOut.tsx): no Maximize, no Pop out */
export default function LogViewer({ taskId, taskName, atPosition, poppedOut }: { taskId: string; taskName: string; atPosition?: number; poppedOut?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [first, setFirst] = useState(0);
  /** following the end (live); false while showing pages from the start or around a position */
  const [live, setLive] = useState(atPosition === undefined);
  const [next, setNext] = useState(0);
  const [moreAfter, setMoreAfter] = useState(false);
  const [autoScroll, setAutoScroll] = useState(true);
  const [timestamps, setTimestamps] = useState(true);
  const [maximized, setMaximized] = useState(false);
  const [status, setStatus] = useState('connecting…');
  const [busy, setBusy] = useState(false);
  const [query, setQuery] = useState('');
  const [match, setMatch] = useState<{ index: number; count: number; pos: number } | null>(null);
  const [target, setTarget] = useState<number | null>(atPosition ?? null);
  const keepScroll = useRef<number | null>(null);
  const droppedOlder = useRef(false);

  const add = useCallback((more: LogEntry[], where: 'end' | 'start') => {
    if (!more.length) return;
    setEntries((old) => {
      const fresh = withoutSeen(old, more);
      let all = where === 'end' ? old.concat(fresh) : fresh.concat(old);
      if (all.length > MAX_ENTRIES) {
        if (where === 'end') droppedOlder.current = true;
        all = where === 'end' ? all.slice(all.length - MAX_ENTRIES) : all.slice(0, MAX_ENTRIES);
      }
      return all;
    });
  }, []);

  // live: the last lines, then followed; a drop resumes from the last position seen
  useEffect(() => {
    if (!live) return;
    let handle: StreamHandle | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    let resumeAt = -1;
    const open = () => {
      handle = openStream('TaskLogs', resumeAt >= 0 ? { taskId, follow: true, hasFrom: true, fromPosition: resumeAt } : { taskId, tail: TAIL, follow: true }, {
        onOpen: () => setStatus('following'),
        onMessage: (c) => {
          resumeAt = c.offset;
          setFirst(c.firstPosition);
          setNext(c.offset);
          add(entriesOf(c), 'end');
        },
        onEnd: () => setStatus('the task has stopped writing'),
        onError: (e) => {
          if (closed) return;
          setStatus(`disconnected: ${e.message}; retrying`);
          retry = setTimeout(open, 2000);
        },
      });
    };
    open();
    return () => {
      closed = true;
      handle?.close();
      if (retry) clearTimeout(retry);
    };
  }, [taskId, live, add]);

  // around a position (a search result): the lines before it and a page from it
  useEffect(() => {
    if (atPosition === undefined) return;
    setBusy(true);
    Promise.all([readPage({ taskId, tail: 100, toPosition: atPosition }), readPage({ taskId, hasFrom: true, fromPosition: atPosition, limit: PAGE })])
      .then(([before, after]) => {
        setEntries(withoutSeen(before.entries, after.entries).length ? before.entries.concat(withoutSeen(before.entries, after.entries)) : before.entries);
        setFirst(after.first);
        setNext(after.next);
        setMoreAfter(after.truncated);
        setStatus(`around position ${atPosition}`);
      })
      .catch((e: Error) => setStatus(`cannot read the log: ${e.message}`))
      .finally(() => setBusy(false));
  }, [taskId, atPosition]);

  const loadOlder = useCallback(async () => {
    const oldest = entries.find((e) => !e.marker) ?? entries[0];
    if (busy || !oldest || oldest.position <= first) return;
    setBusy(true);
    try {
      const page = await readPage({ taskId, tail: PAGE, toPosition: oldest.position });
      keepScroll.current = box.current ? box.current.scrollHeight - box.current.scrollTop : null;
      setFirst(page.first);
      add(page.entries, 'start');
    } catch (e) {
      setStatus(`cannot read older lines: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }, [busy, entries, first, taskId, add]);

  const loadFromStart = async () => {
    setLive(false);
    setBusy(true);
    droppedOlder.current = false;
    try {
      const page = await readPage({ taskId, hasFrom: true, fromPosition: 0, limit: PAGE });
      setEntries(page.entries);
      setFirst(page.first);
      setNext(page.next);
      setMoreAfter(page.truncated);
      setStatus('from the start');
      box.current?.scrollTo({ top: 0 });
    } catch (e) {
      setStatus(`cannot read the log: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const loadNewer = async () => {
    if (busy) return;
    if (!moreAfter) {
      setLive(true); // caught up: follow from here on (the live stream starts from the end)
      return;
    }
    setBusy(true);
    try {
      const page = await readPage({ taskId, hasFrom: true, fromPosition: next, limit: PAGE });
      add(page.entries, 'end');
      setNext(page.next);
      setMoreAfter(page.truncated);
    } finally {
      setBusy(false);
    }
  };

  // keep the view where it was when older lines are put above it; follow the end when live
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (keepScroll.current !== null) {
      el.scrollTop = el.scrollHeight - keepScroll.current;
      keepScroll.current = null;
    } else if (target !== null) {
      el.querySelector<HTMLElement>(`[data-pos="${target}"]`)?.scrollIntoView({ block: 'center' });
      if (entries.length) setTarget(null);
    } else if (live && autoScroll) {
      el.scrollTop = el.scrollHeight;
    }
  }, [entries, live, autoScroll, target]);

  const find = (dir: 1 | -1) => {
    const q = query.toLowerCase();
    if (!q) return setMatch(null);
    const hits = entries.filter((e) => !e.marker && e.text.toLowerCase().includes(q));
    if (!hits.length) return setMatch({ index: -1, count: 0, pos: -1 });
    const at = match && match.count === hits.length ? (match.index + dir + hits.length) % hits.length : dir === 1 ? 0 : hits.length - 1;
    const pos = hits[at]!.position;
    setMatch({ index: at, count: hits.length, pos });
    setAutoScroll(false);
    box.current?.querySelector<HTMLElement>(`[data-pos="${pos}"]`)?.scrollIntoView({ block: 'center' });
  };

  const oldestShown = entries.length ? entries[0]!.position : 0;
  const partialBefore = oldestShown > first || droppedOlder.current;
  const partialAfter = !live && moreAfter;
  const lines = entries.filter((e) => !e.marker).length;
  return (
    <div
      className={`log-viewer${maximized ? ' maximized' : ''}`}
      role={maximized ? 'dialog' : undefined}
      aria-label={maximized ? `Log of ${taskName}` : undefined}
    >
      <div className="log-toolbar" role="toolbar" aria-label="Log tools">
        <label className="check">
          <input type="checkbox" checked={autoScroll && live} disabled={!live} onChange={(e) => setAutoScroll(e.target.checked)} /> Follow
        </label>
        <label className="check">
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <form
          role="search"
          aria-label="Search the log"
          onSubmit={(e) => {
            e.preventDefault();
            find(1);
          }}
        >
          <label htmlFor={`log-search-${taskId}`} className="sr-only">
            Search log
          </label>
          <input
            id={`log-search-${taskId}`}
            type="search"
            placeholder="Search log"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setMatch(null);
            }}
          />
          <button type="submit">Find</button>
          <button type="button" onClick={() => find(-1)} aria-label="Previous match">
            ↑
          </button>
        </form>
        <button type="button" onClick={() => void loadOlder()} disabled={busy || !partialBefore}>
          Load older
        </button>
        <button type="button" onClick={() => void loadFromStart()} disabled={busy}>
          Load from start
        </button>
        <a className="button" href={downloadUrl(taskId)} download={`${taskName.replace(/[^\w.-]+/g, '_')}.log`}>
          Download
        </a>
        {poppedOut ? null : (
          <>
            <button type="button" aria-pressed={maximized} onClick={() => setMaximized((m) => !m)}>
              {maximized ? 'Restore' : 'Maximize'}
            </button>
            <button type="button" onClick={() => openLogPopOut(taskId, taskName)} title="Open this log in a window of its own">
              Pop out
            </button>
          </>
        )}
      </div>
      {partialBefore || partialAfter ? (
        <p className="log-partial" role="note" aria-label="Partial log">
          Partial: {partialBefore ? 'older lines are not loaded (scroll up, Load older, or Load from start)' : ''}
          {partialBefore && partialAfter ? '; ' : ''}
          {partialAfter ? 'newer lines are not loaded' : ''}. Download has the whole log.
        </p>
      ) : null}
      <div
        ref={box}
        className="log-lines"
        role="log"
        aria-label={`Log of ${taskName}`}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          if (el.scrollTop === 0 && partialBefore && !busy) void loadOlder();
          if (live) setAutoScroll(el.scrollTop + el.clientHeight >= el.scrollHeight - 4);
          else if (partialAfter && el.scrollTop + el.clientHeight >= el.scrollHeight - 4) void loadNewer();
        }}
      >
        {entries.map((e) => (
          <Entry key={key(e)} e={e} timestamps={timestamps} current={match?.pos === e.position || (atPosition === e.position && !e.marker)} />
        ))}
      </div>
      {!live ? (
        <button type="button" onClick={() => void loadNewer()} disabled={busy}>
          {moreAfter ? 'Load newer' : 'Follow the end'}
        </button>
      ) : null}
      <p className="log-status small" role="status" aria-live="polite">
        {query && match
          ? match.count === 0
            ? `No match for “${query}”`
            : `Match ${match.index + 1} of ${match.count} for “${query}”`
          : `${lines} lines shown, ${status}`}
      </p>
    </div>
  );
}
