// The authenticator: metadata (and later the client certificate) → Caller, or UNAUTHENTICATED.
// Today one shared token, which stands for the controller's operator with the admin role.
import type * as grpc from '@grpc/grpc-js';
import { userInfo } from 'node:os';
import { checkToken } from '../../rpc/auth.js';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { type Caller, clientKindOf } from './caller.js';

// one authentication per call: the guard (server/guard.ts) and the handler's wrapper share it
const known = new WeakMap<object, Caller>();

export function authenticate(controller: ControllerCore, call: { metadata: grpc.Metadata }): Caller {
  const seen = known.get(call);
  if (seen) return seen;
  const caller = authenticateOnce(controller, call);
  known.set(call, caller);
  return caller;
}

function authenticateOnce(controller: ControllerCore, call: { metadata: grpc.Metadata }): Caller {
  // an embedder's (tests: two users by two tokens) until users are stored
  if (controller.cfg.authenticator) return controller.cfg.authenticator(call.metadata);
  if (!checkToken(call.metadata, controller.cfg.token)) {
    throw new BatonError('UNAUTHENTICATED', 'missing or wrong token: pass authorization: Bearer <token> (BATON_TOKEN)');
  }
  return { user: userInfo().username, role: 'admin', client: clientKindOf(call.metadata) };
}
