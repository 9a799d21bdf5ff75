// Bearer tokens: a user's token (looked up by its hash in the users table) and the controller's own
// token (given at its start: agents check it, local mode's internals use it; it stands for the
// controller's operator with the admin role, so that an admin can always add the first users).
import { timingSafeEqual } from 'node:crypto';
import type { Authenticator, Credentials, Identity } from './authenticator.js';
import type { Role } from './caller.js';
import type { UserRegistry } from './users.js';

export class UserTokenAuthenticator implements Authenticator {
  constructor(private readonly users: UserRegistry) {}

  authenticate(credentials: Credentials): Identity | null {
    if (!credentials.bearer) return null;
    const user = this.users.byToken(credentials.bearer);
    return user ? { user: user.name, role: user.role as Role, by: 'user-token', credential: 'bearer' } : null;
  }
}

export class ControllerTokenAuthenticator implements Authenticator {
  private readonly token: Buffer;

  /** operator: the name the controller token stands for (the OS user running the controller) */
  constructor(
    token: string,
    private readonly operator: string,
  ) {
    this.token = Buffer.from(token);
  }

  authenticate(credentials: Credentials): Identity | null {
    if (!credentials.bearer) return null;
    const got = Buffer.from(credentials.bearer);
    if (got.length !== this.token.length || !timingSafeEqual(got, this.token)) return null;
    return { user: this.operator, role: 'admin', by: 'controller-token', credential: 'bearer' };
  }
}
