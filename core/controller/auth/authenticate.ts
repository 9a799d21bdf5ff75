// The authentication of every Control call: its credentials (bearer token, client certificate)
// go through the chain of authenticators (authenticator.ts), and what they prove becomes the
// Caller, or the call is refused UNAUTHENTICATED. How they combine:
// - every credential sent must check out: a bearer token no authenticator knows is refused (wrong,
//   rotated, or its user removed), even when a certificate names a user;
// - all that check out must name the same user (a certificate for alice with bob's token is refused);
// - the first in chain order gives the role: the certificate's user, else the token's;
// - nothing at all: refused, unless the controller was started without a token (an embedded or
//   test controller, open to whoever reaches its socket: the operator, admin).
// Another way to log in (OIDC/SSO) is one more Authenticator in `authenticatorsOf`; the checks
// (authorization, locks, audit) only ever see the Caller.
import type * as grpc from '@grpc/grpc-js';
import { userInfo } from 'node:os';
import type { PeerCertificate } from 'node:tls';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { type Authenticator, bearerOf, type Credentials, type Identity } from './authenticator.js';
import { type Caller, clientKindOf } from './caller.js';
import { CertificateAuthenticator } from './certificate-authenticator.js';
import { ControllerTokenAuthenticator, UserTokenAuthenticator } from './token-authenticators.js';
import { isStream } from './open-streams.js';

/** What authenticate() reads of a call (a grpc-js server call has both). */
export interface AuthenticatedCall {
  metadata: grpc.Metadata;
  getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | null;
}

// one authentication per call: the guard (server/guard.ts) and the handler's wrapper share it
const known = new WeakMap<object, Caller>();
const chains = new WeakMap<ControllerCore, Authenticator[]>();

export function authenticate(controller: ControllerCore, call: AuthenticatedCall): Caller {
  const seen = known.get(call);
  if (seen) return seen;
  const identity = identify(authenticatorsOf(controller), credentialsOf(call), !controller.cfg.token);
  const caller: Caller = { user: identity.user, role: identity.role, client: clientKindOf(call.metadata), authenticatedBy: identity.by };
  known.set(call, caller);
  if (isStream(call) && (identity.by === 'user-token' || identity.by === 'certificate')) controller.users.streams.watch(call, identity.user, identity.by);
  return caller;
}

/** The controller's authenticators, in the order they are asked (made once per controller). */
export function authenticatorsOf(controller: ControllerCore): Authenticator[] {
  let chain = chains.get(controller);
  if (!chain) {
    chain = [
      new CertificateAuthenticator(controller.users),
      ...(controller.cfg.token ? [new ControllerTokenAuthenticator(controller.cfg.token, operatorName())] : []),
      new UserTokenAuthenticator(controller.users),
    ];
    chains.set(controller, chain);
  }
  return chain;
}

export function credentialsOf(call: AuthenticatedCall): Credentials {
  const certificate = call.getAuthContext?.()?.sslPeerCertificate;
  return {
    bearer: bearerOf(call.metadata),
    certificate: certificate && Object.keys(certificate).length ? certificate : null,
    metadata: call.metadata,
  };
}

/** Runs the chain and combines its findings (the rules at the top of this file). */
export function identify(chain: Authenticator[], credentials: Credentials, open: boolean): Identity {
  const found: Identity[] = [];
  for (const authenticator of chain) {
    const identity = authenticator.authenticate(credentials);
    if (identity) found.push(identity);
  }
  if (credentials.bearer && !found.some((f) => f.credential === 'bearer')) {
    throw new BatonError('UNAUTHENTICATED', 'unknown token: wrong, replaced by a newer one, or its user was removed (BATON_TOKEN, --token)', {
      where: 'token',
    });
  }
  const first = found[0];
  for (const other of found.slice(1)) {
    if (other.user !== first!.user) {
      throw new BatonError('UNAUTHENTICATED', `the ${first!.by} names ${first!.user} but the ${other.by} names ${other.user}: send credentials of one user`, {
        where: 'token',
      });
    }
  }
  if (first) return first;
  if (open) return { user: operatorName(), role: 'admin', by: 'open', credential: 'none' };
  throw new BatonError('UNAUTHENTICATED', 'missing token: pass authorization: Bearer <token> (BATON_TOKEN, --token)', { where: 'token' });
}

/** The OS user running the controller: who the controller token (and an open controller) stands for. */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    // no passwd entry (some containers)
    return process.env.USER || `uid-${process.getuid?.() ?? 0}`;
  }
}
