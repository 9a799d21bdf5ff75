// Bearer-token auth for the control API and agent sessions (per-launch token in local mode).
import * as grpc from '@grpc/grpc-js';
import { timingSafeEqual } from 'node:crypto';

export function tokenMetadata(token: string | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return md;
}

/**
 * A client interceptor that attaches the token to every call. (Call credentials would need a
 * secure channel; loopback and unix sockets in local mode are insecure channels.)
 */
export function tokenInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

/** What a Control request came through, sent in the `x-baton-client` metadata header (the
 *  controller's Caller.client; anything else counts as `api`). */
export const CLIENT_KINDS = ['console', 'cli', 'api', 'hook'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];
export const CLIENT_HEADER = 'x-baton-client';

/** A client interceptor that says on every call which client this is. */
export function clientKindInterceptor(client: ClientKind): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(CLIENT_HEADER, client);
        next(metadata, listener);
      },
    });
}

export function checkToken(md: grpc.Metadata, token: string | undefined): boolean {
  if (!token) return true;
  const got = String(md.get('authorization')[0] ?? '');
  const want = `Bearer ${token}`;
  const a = Buffer.from(got);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}
