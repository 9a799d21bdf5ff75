// The console's own per-launch token (separate from the controller token, which never reaches the
// browser) and the request checks that go with it: token, Host (against DNS rebinding) and Origin
// (against cross-site requests and WebSocket hijacking).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopback } from '../rpc/address.js';
import { TOKEN_HEADER, TOKEN_QUERY } from './contract.js';

export function newConsoleToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(got: string, want: string): boolean {
  const a = Buffer.from(got);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: the header for HTTP calls, the query parameter for WebSockets. */
export function requestToken(req: IncomingMessage, url: URL): string {
  const h = req.headers[TOKEN_HEADER];
  if (typeof h === 'string' && h) return h;
  return url.searchParams.get(TOKEN_QUERY) ?? '';
}

export function tokenOk(req: IncomingMessage, url: URL, token: string): boolean {
  return sameSecret(requestToken(req, url), token);
}

/** host names this gateway answers to: loopback names and the one it listens on. */
export function hostAllowed(hostHeader: string | undefined, listenHost: string): boolean {
  if (!hostHeader) return false;
  let name: string;
  try {
    name = new URL(`http://${hostHeader}`).hostname;
  } catch {
    return false;
  }
  return isLoopback(name) || name === listenHost.replace(/^\[|\]$/g, '') || name === `[${listenHost}]`;
}

/** A browser sends Origin on cross-origin requests and on every WebSocket: it must be ours. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser, or a same-origin GET: the token still decides
  if (origin === 'null') return false;
  try {
    const o = new URL(origin);
    return o.host === req.headers.host && (o.protocol === 'http:' || o.protocol === 'https:');
  } catch {
    return false;
  }
}
