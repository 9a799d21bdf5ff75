// The time ranges of the load-history plots, and the one chosen: kept in localStorage, so a
// reload shows the same range (and every chart of the console shares it).
import { useCallback, useSyncExternalStore } from 'react';

export const RANGES = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3_600_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

const KEY = 'baton.console.history-range';
const CHANGE = 'baton:history-range';
const DEFAULT: RangeId = '15m';

function read(): RangeId {
  try {
    const v = localStorage.getItem(KEY);
    if (RANGES.some((r) => r.id === v)) return v as RangeId;
  } catch {
    /* storage disabled: the default */
  }
  return DEFAULT;
}

function subscribe(cb: () => void): () => void {
  window.addEventListener(CHANGE, cb);
  window.addEventListener('storage', cb);
  return () => {
    window.removeEventListener(CHANGE, cb);
    window.removeEventListener('storage', cb);
  };
}

export function rangeMs(id: RangeId): number {
  return RANGES.find((r) => r.id === id)!.ms;
}

export function useHistoryRange(): [RangeId, (id: RangeId) => void] {
  const range = useSyncExternalStore(subscribe, read, read);
  const set = useCallback((id: RangeId) => {
    try {
      localStorage.setItem(KEY, id);
    } catch {
      /* storage disabled: this page only */
    }
    window.dispatchEvent(new Event(CHANGE));
  }, []);
  return [range, set];
}
