// Who is calling: every Control handler is given the Caller its request was authenticated to.
// The authenticator (authenticate.ts) turns a call's metadata (and, under mutual TLS, its client
// certificate) into a Caller; the checks (authorization, locks, audit) read only this value, so
// another way to log in (OIDC/SSO) changes the authenticator and nothing else.
import type * as grpc from '@grpc/grpc-js';

export const ROLES = ['observer', 'shifter', 'expert', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** what the request came through; sent by clients in the `x-baton-client` metadata header */
export const CLIENT_KINDS = ['console', 'cli', 'api', 'hook'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];
export const CLIENT_HEADER = 'x-baton-client';

export interface Caller {
  /** the user's name, as stored in the users table (or the OS user in local mode) */
  user: string;
  role: Role;
  client: ClientKind;
}

/** true when `role` has at least the rights of `needed` (the roles are ordered) */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function clientKindOf(md: grpc.Metadata): ClientKind {
  const sent = String(md.get(CLIENT_HEADER)[0] ?? '');
  return (CLIENT_KINDS as readonly string[]).includes(sent) ? (sent as ClientKind) : 'api';
}

/** metadata -> Caller, or a thrown UNAUTHENTICATED (ControllerOptions.authenticate: embedders and tests) */
export type MetadataAuthenticator = (metadata: grpc.Metadata) => Caller;
