// A small router on the History API: the URL is the state that survives a reload
// (/envs/<id>/tasks?task=<id> reopens the same page, tab and drawer).
import { useSyncExternalStore } from 'react';

export type RouteName = 'envs' | 'newEnv' | 'env' | 'nodes' | 'runs' | 'events' | 'audit' | 'training' | 'logPopOut' | 'notFound';
export type EnvTab = 'overview' | 'graph' | 'tasks';

export interface Route {
  name: RouteName;
  envId?: string;
  tab?: EnvTab;
  query: URLSearchParams;
  path: string;
}

const TABS: EnvTab[] = ['overview', 'graph', 'tasks'];

export function parseRoute(pathname: string, search: string): Route {
  const query = new URLSearchParams(search);
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const path = pathname + search;
  if (parts.length === 0) return { name: 'envs', query, path };
  if (parts[0] === 'envs') {
    if (parts.length === 1) return { name: 'envs', query, path };
    if (parts[1] === 'new' && parts.length === 2) return { name: 'newEnv', query, path };
    const tab = (parts[2] ?? 'overview') as EnvTab;
    if (parts.length <= 3 && TABS.includes(tab)) return { name: 'env', envId: parts[1], tab, query, path };
  }
  // a task's log in a window of its own (features/logs/popOut.ts)
  if (parts.length === 2 && parts[0] === 'logs' && parts[1] === 'popout') return { name: 'logPopOut', query, path };
  if (parts.length === 1 && (parts[0] === 'nodes' || parts[0] === 'runs' || parts[0] === 'events' || parts[0] === 'audit' || parts[0] === 'training')) {
    return { name: parts[0], query, path };
  }
  return { name: 'notFound', query, path };
}

const CHANGE = 'baton:navigate';

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current path with one query parameter set (or removed with null). */
export function withQuery(key: string, value: string | null): string {
  const q = new URLSearchParams(window.location.search);
  if (value === null) q.delete(key);
  else q.set(key, value);
  const s = q.toString();
  return window.location.pathname + (s ? `?${s}` : '');
}

export function envPath(id: string, tab: EnvTab = 'overview', taskId?: string): string {
  const base = `/envs/${encodeURIComponent(id)}${tab === 'overview' ? '' : `/${tab}`}`;
  return taskId ? `${base}?task=${encodeURIComponent(taskId)}` : base;
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('popstate', cb);
  window.addEventListener(CHANGE, cb);
  return () => {
    window.removeEventListener('popstate', cb);
    window.removeEventListener(CHANGE, cb);
  };
}

let cached: Route | null = null;
function snapshot(): Route {
  const path = window.location.pathname + window.location.search;
  if (!cached || cached.path !== path) cached = parseRoute(window.location.pathname, window.location.search);
  return cached;
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
