// The Authenticator interface: one way of proving who calls (a user token, the controller's own
// token, a client certificate; later an OIDC/SSO token). authenticate.ts runs the chain of them on
// every call and combines what they found into the Caller; nothing past it knows which one spoke.
import type * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { Role } from './caller.js';

/** What a call brings to prove who it is. */
export interface Credentials {
  /** the `authorization: Bearer <token>` value, without "Bearer " (null: none sent) */
  bearer: string | null;
  /** the client certificate under mutual TLS (null: a unix socket or loopback in the clear) */
  certificate: PeerCertificate | null;
  /** all of the call's metadata, for an authenticator that needs another header */
  metadata: grpc.Metadata;
}

/** How the caller was recognised (WhoAmI says it, the audit may record it). */
export type AuthenticatedBy = 'user-token' | 'controller-token' | 'certificate' | 'open' | (string & {});

export interface Identity {
  user: string;
  role: Role;
  by: AuthenticatedBy;
  /** which of the credentials this identity came from (a bearer no authenticator took is refused);
   *  none: an open controller's caller, who sent nothing */
  credential: 'bearer' | 'certificate' | 'none';
}

export interface Authenticator {
  /**
   * The identity these credentials prove, or null when they hold nothing of this authenticator's
   * kind (the next one is asked). Throws UNAUTHENTICATED when they are of its kind but do not
   * check out (a certificate naming an unknown user), so that nothing else can stand in for them.
   */
  authenticate(credentials: Credentials): Identity | null;
}

/** The bearer token of a call's metadata, or null. */
export function bearerOf(metadata: grpc.Metadata): string | null {
  const value = String(metadata.get('authorization')[0] ?? '');
  const match = /^Bearer (.+)$/.exec(value);
  return match ? match[1]! : null;
}
