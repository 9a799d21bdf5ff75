// The Events view's rows: a page of history from the controller (QueryEvents, with the view's
// filters), newer events from the live stream on top (the tail), and older pages on demand. The
// browser's buffer of live events (5,000) is only the tail: a flood of task events cannot push an
// error out of what the view can find.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Event } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { useConsole, useConsoleStore } from '../../store/context.js';
import { type EventFilter, filterEvents, queryOf } from './eventFilter.js';

const PAGE = 500;
const DEBOUNCE_MS = 200;

export interface EventHistory {
  /** newest first */
  rows: Event[];
  loading: boolean;
  /** older events match: loadOlder() fetches the next page */
  more: boolean;
  error: string | null;
  loadOlder(): void;
}

interface Page {
  key: string;
  /** newest first, from the controller */
  stored: Event[];
  /** the live tail is the events after this seq */
  baseSeq: number;
  more: boolean;
}

export function useEventHistory(filter: EventFilter, frozen: boolean): EventHistory {
  const store = useConsoleStore();
  const live = useConsole((s) => s.events);
  const connected = useConsole((s) => s.connection.status === 'live');
  const key = JSON.stringify(filter);
  const [page, setPage] = useState<Page | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const frozenTail = useRef<Event[] | null>(null);

  // a new page of history whenever the filters change (debounced for typing), and after the
  // stream came back (what happened meanwhile is in the store, maybe more than the buffer holds)
  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      const lastSeq = store.getState().lastSeq;
      setLoading(true);
      call('QueryEvents', queryOf(filter, 0, PAGE), abort.signal)
        .then((r) => {
          const top = r.events[0]?.seq ?? 0;
          setPage({ key, stored: r.events, baseSeq: Math.max(top, lastSeq), more: r.more });
          setError(null);
        })
        .catch((e: Error) => {
          if (e.name !== 'AbortError') setError(e.message);
        })
        .finally(() => setLoading(false));
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [key, connected, generation]); // eslint-disable-line react-hooks/exhaustive-deps

  // the live buffer dropped events after the page's base (a flood): ask the controller again
  const oldestLive = live[0]?.seq ?? 0;
  useEffect(() => {
    if (page && !frozen && oldestLive > page.baseSeq + 1) setGeneration((g) => g + 1);
  }, [oldestLive, page, frozen]);

  const loadOlder = useCallback(() => {
    if (!page || !page.more) return;
    const oldest = page.stored[page.stored.length - 1]?.seq ?? 0;
    setLoading(true);
    call('QueryEvents', queryOf(filter, oldest, PAGE))
      .then((r) => setPage((p) => (p && p.key === page.key ? { ...p, stored: [...p.stored, ...r.events], more: r.more } : p)))
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  }, [page, filter]);

  const tail = useMemo(() => {
    if (!page || page.key !== key) return [];
    const fresh = live.filter((e) => e.seq > page.baseSeq);
    return filterEvents(fresh, filter).reverse();
  }, [live, page, key]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!frozen) frozenTail.current = null;
  else frozenTail.current ??= tail;
  const shownTail = frozen ? frozenTail.current! : tail;

  const rows = useMemo(() => (page && page.key === key ? [...shownTail, ...page.stored] : []), [shownTail, page, key]);
  return { rows, loading: loading || !page || page.key !== key, more: !!page?.more, error, loadOlder };
}
