// A task's log in xterm.js: the last lines, then followed live; pause (follow off), search with
// match count, timestamps on/off, download. xterm renders only what is visible, so long logs stay
// cheap.
import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';
import { openStream, type StreamHandle } from '../../api/stream.js';
import { desktop } from '../../api/desktop.js';
import { useConsole } from '../../store/context.js';
import { displayLine, LogBuffer, type LogLine } from './logBuffer.js';

const TAIL = 1000;

function themeFor(dark: boolean) {
  return dark
    ? { background: '#0f141a', foreground: '#d8dee9', cursor: '#0f141a', selectionBackground: '#3b4b61' }
    : { background: '#fbfbfc', foreground: '#1f2328', cursor: '#fbfbfc', selectionBackground: '#b6d3f5' };
}

export default function LogViewer({ taskId, taskName }: { taskId: string; taskName: string }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const search = useRef<SearchAddon | null>(null);
  const buffer = useRef(new LogBuffer());
  const pending = useRef<LogLine[]>([]);
  const followRef = useRef(true);
  const tsRef = useRef(false);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<{ index: number; count: number } | null>(null);
  const [status, setStatus] = useState('connecting…');
  const [lineCount, setLineCount] = useState(0);
  const [paused, setPaused] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const dark = useConsole((s) => s.theme === 'dark');

  // the terminal, once per task
  useEffect(() => {
    const t = new Terminal({
      disableStdin: true,
      convertEol: true,
      scrollback: 100_000,
      fontSize: 12,
      allowProposedApi: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      theme: themeFor(dark),
      cursorStyle: 'underline',
    });
    const fit = new FitAddon();
    const s = new SearchAddon();
    t.loadAddon(fit);
    t.loadAddon(s);
    s.onDidChangeResults((r) => setMatches(r.resultCount >= 0 ? { index: r.resultIndex, count: r.resultCount } : null));
    if (host.current) {
      t.open(host.current);
      t.textarea?.setAttribute('aria-label', `Log of ${taskName}`);
      try {
        fit.fit();
      } catch {
        /* not laid out yet */
      }
    }
    const ro =
      typeof ResizeObserver !== 'undefined'
        ? new ResizeObserver(() => {
            try {
              fit.fit();
            } catch {
              /* hidden */
            }
          })
        : null;
    if (ro && host.current) ro.observe(host.current);
    term.current = t;
    search.current = s;
    buffer.current.clear();
    return () => {
      ro?.disconnect();
      t.dispose();
      term.current = null;
      search.current = null;
    };
  }, [taskId]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (term.current) term.current.options.theme = themeFor(dark);
  }, [dark]);

  // the stream: last lines, then follow; reconnects after a drop
  useEffect(() => {
    let handle: StreamHandle | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    const write = (lines: LogLine[]) => {
      if (!lines.length || !term.current) return;
      term.current.write(lines.map((l) => displayLine(l, tsRef.current)).join('\n') + '\n');
    };
    const first = buffer.current.size === 0;
    handle = openStream(
      'TaskLogs',
      { taskId, tail: first ? TAIL : 0, follow: true },
      {
        onOpen: () => setStatus('following'),
        onMessage: (chunk) => {
          if (!chunk.lines.length) return;
          const added = buffer.current.push(chunk.lines, Date.now());
          setLineCount(buffer.current.size);
          if (followRef.current) write(added);
          else {
            pending.current.push(...added);
            setPaused(pending.current.length);
          }
        },
        onEnd: () => setStatus('ended (the task has stopped writing)'),
        onError: (e) => {
          if (closed) return;
          setStatus(`disconnected: ${e.message}; retrying`);
          retry = setTimeout(() => setAttempt((a) => a + 1), 2000);
        },
      },
    );
    return () => {
      closed = true;
      handle?.close();
      if (retry) clearTimeout(retry);
    };
  }, [taskId, attempt]);

  const toggleFollow = (on: boolean) => {
    followRef.current = on;
    setFollow(on);
    if (on && term.current) {
      const lines = pending.current;
      pending.current = [];
      setPaused(0);
      if (lines.length) term.current.write(lines.map((l) => displayLine(l, tsRef.current)).join('\n') + '\n');
      term.current.scrollToBottom();
    }
  };
  const toggleTimestamps = (on: boolean) => {
    tsRef.current = on;
    setTimestamps(on);
    const t = term.current;
    if (!t) return;
    pending.current = [];
    setPaused(0);
    t.reset();
    t.write(buffer.current.text(on));
  };
  const find = (dir: 'next' | 'prev') => {
    const s = search.current;
    if (!s || !query) {
      setMatches(null);
      return;
    }
    const opts = {
      caseSensitive: false,
      decorations: { matchOverviewRuler: '#d4a72c', activeMatchColorOverviewRuler: '#cf222e', matchBackground: '#fff2a8', activeMatchBackground: '#ffb000' },
    };
    const found = dir === 'next' ? s.findNext(query, opts) : s.findPrevious(query, opts);
    if (!found) setMatches({ index: -1, count: 0 });
  };
  const download = async () => {
    const text = buffer.current.text(tsRef.current);
    const name = `${taskName.replace(/[^\w.-]+/g, '_')}.log`;
    const d = desktop();
    if (d) {
      await d.saveFile(name, text);
      return;
    }
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const bufferCount = query ? buffer.current.count(query) : 0;
  return (
    <div className="log-viewer">
      <div className="log-toolbar" role="toolbar" aria-label="Log tools">
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => toggleFollow(e.target.checked)} /> Follow
        </label>
        <label className="check">
          <input type="checkbox" checked={timestamps} onChange={(e) => toggleTimestamps(e.target.checked)} /> Timestamps
        </label>
        <form
          role="search"
          aria-label="Search the log"
          onSubmit={(e) => {
            e.preventDefault();
            find('next');
          }}
        >
          <label htmlFor="log-search" className="sr-only">
            Search log
          </label>
          <input
            id="log-search"
            type="search"
            placeholder="Search log"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setMatches(null);
            }}
          />
          <button type="submit">Find</button>
          <button type="button" onClick={() => find('prev')} aria-label="Previous match">
            ↑
          </button>
        </form>
        <button type="button" onClick={() => void download()}>
          Download
        </button>
      </div>
      <p className="log-status small" role="status" aria-live="polite">
        {query
          ? matches && matches.count >= 0
            ? matches.count === 0
              ? `No match for “${query}”`
              : `Match ${matches.index + 1} of ${matches.count} for “${query}”`
            : `${bufferCount} line${bufferCount === 1 ? '' : 's'} contain “${query}”`
          : `${lineCount} lines, ${status}`}
        {paused ? ` · paused, ${paused} new line${paused === 1 ? '' : 's'}` : ''}
      </p>
      <div ref={host} className="xterm-host" aria-label={`Log of ${taskName}`} role="region" />
    </div>
  );
}
