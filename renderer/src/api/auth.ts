// The console token: given once in the URL fragment (#token=…) by `baton console`, or by the
// Electron preload; then kept in sessionStorage so a reload keeps working. The fragment is removed
// from the address bar at once (it is never sent to a server, and should not linger in history).
import { TOKEN_FRAGMENT } from '../../../core/gateway/contract.js';
import { desktop } from './desktop.js';

const KEY = 'baton.console.token';
let token: string | null = null;

export function currentToken(): string | null {
  return token;
}

export function setToken(t: string | null): void {
  token = t;
  try {
    if (t) sessionStorage.setItem(KEY, t);
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage disabled: the token lives for this page only */
  }
}

/** Reads the token from the fragment, the desktop bridge or sessionStorage, in that order. */
export async function bootstrapToken(): Promise<string | null> {
  const hash = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromHash = hash.get(TOKEN_FRAGMENT);
  if (fromHash) {
    setToken(fromHash);
    hash.delete(TOKEN_FRAGMENT);
    const rest = hash.toString();
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
    return fromHash;
  }
  const bridge = desktop();
  if (bridge) {
    try {
      const g = await bridge.gateway();
      setToken(g.token);
      return g.token;
    } catch {
      /* fall through to the stored token */
    }
  }
  let stored: string | null = null;
  try {
    stored = sessionStorage.getItem(KEY);
  } catch {
    /* ignore */
  }
  token = stored;
  return stored;
}
