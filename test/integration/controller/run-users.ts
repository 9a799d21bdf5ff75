// Two users before stored users exist: a test authenticator (ControllerOptions.authenticator)
// that maps a bearer token to a user. The identity work replaces it with real users and tokens;
// until then this is the one seam the run-record tests use to have a run started by one user and
// stopped by another.
import type * as grpc from '@grpc/grpc-js';
import { BatonError } from '../../../core/model/errors.js';
import type { Caller } from '../../../core/controller/auth/caller.js';
import { TOKEN } from './harness.js';

export const USERS: Record<string, string> = {
  [TOKEN]: 'operator',
  'token-alice': 'alice',
  'token-bob': 'bob',
};

export function tokenUsers(md: grpc.Metadata): Caller {
  const header = String(md.get('authorization')[0] ?? '');
  const user = USERS[header.replace(/^Bearer\s+/i, '')];
  if (!user) throw new BatonError('UNAUTHENTICATED', 'unknown token');
  return { user, role: user === 'operator' ? 'admin' : 'shifter', client: 'api' };
}
