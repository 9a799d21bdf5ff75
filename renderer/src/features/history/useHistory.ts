// Reads QueryHistory for one selector over the chosen range, and again every few seconds (the
// controller samples every 5 s), so the plots move while the page is open and come back whole
// after a reload: the history is the controller's, not the page's.
import { useEffect, useState } from 'react';
import type { QueryHistoryReply, QueryHistoryRequest } from '../../../../core/rpc/gen/control.js';
import type { ErrorDetailLike } from '../../../../core/model/errors.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { rangeMs, type RangeId } from './ranges.js';

const REFRESH_MS = 5000;

export interface HistoryState {
  reply: QueryHistoryReply | null;
  error: ErrorDetailLike | null;
}

export function useHistory(selector: Partial<QueryHistoryRequest> | null, range: RangeId): HistoryState {
  const [state, setState] = useState<HistoryState>({ reply: null, error: null });
  const key = selector ? JSON.stringify(selector) : '';
  useEffect(() => {
    if (!key) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      const untilMs = Date.now();
      try {
        const reply = await call('QueryHistory', { ...JSON.parse(key), sinceMs: untilMs - rangeMs(range), untilMs }, abort.signal);
        setState({ reply, error: null });
      } catch (e) {
        if ((e as Error).name === 'AbortError') return;
        setState((s) => ({ reply: s.reply, error: asBatonError(e).detail }));
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void load(), REFRESH_MS);
    };
    setState({ reply: null, error: null });
    void load();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key, range]);
  return state;
}
