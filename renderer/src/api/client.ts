// Typed unary calls through the gateway: call('GetEnvironment', { id }) returns an Environment.
// The method table and types are the shared contract (core/gateway/contract.ts).
import { API_PREFIX, TOKEN_HEADER, type UnaryMethod, type UnaryReply, type UnaryRequest } from '../../../core/gateway/contract.js';
import { BatonError } from '../../../core/model/errors.js';
import { currentToken } from './auth.js';
import { errorFromWire } from './errors.js';

type Listener = (e: BatonError) => void;
const authListeners = new Set<Listener>();
/** Called when the gateway refuses the token (the page then asks for a fresh console URL). */
export function onUnauthenticated(l: Listener): () => void {
  authListeners.add(l);
  return () => authListeners.delete(l);
}

/**
 * POSTs a JSON body to a gateway route with the console token and returns the parsed reply; a
 * refusal is re-thrown as the structured error it carries (and an UNAUTHENTICATED one tells the
 * listeners). `where` names the call in an unreachable-gateway error. Every typed client (the
 * Control calls below, the training session host's) goes through here.
 */
export async function postToGateway(path: string, req: unknown, where: string, signal?: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: currentToken() ?? '' },
      body: JSON.stringify(req),
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new BatonError('UNAVAILABLE', 'cannot reach the console gateway', { where });
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: handled below */
  }
  if (!res.ok) {
    const err = errorFromWire(
      (body as { error?: never } | null)?.error ?? { code: res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL', message: `HTTP ${res.status}` },
    );
    if (err.code === 'UNAUTHENTICATED') for (const l of authListeners) l(err);
    throw err;
  }
  return body;
}

export async function call<M extends UnaryMethod>(method: M, req: Partial<UnaryRequest<M>> = {}, signal?: AbortSignal): Promise<UnaryReply<M>> {
  return (await postToGateway(`${API_PREFIX}${method}`, req, method, signal)) as UnaryReply<M>;
}
