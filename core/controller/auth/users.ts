// The users of a controller: name, role and the hash of their current token. Kept in memory (every
// call is authenticated against it, synchronously, like the rest of the controller's state) and
// written through to the store's users table before a change is answered.
import { createHash, randomBytes } from 'node:crypto';
import { BatonError } from '../../model/errors.js';
import type { Store, UserRecord } from '../../store/store.js';
import { ROLES, type Role } from './caller.js';
import { OpenStreams } from './open-streams.js';

/** Marks a Baton user token, so that secret scanners (and people) can tell it from other secrets. */
export const USER_TOKEN_PREFIX = 'baton_u_';

/** 256 random bits: far beyond guessing, so a fast hash of it is as safe at rest as a slow one. */
export function newUserToken(): string {
  return USER_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the store keeps of a token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Names as OS users, e-mail addresses and SSO subjects spell them; no spaces, no control characters. */
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;

export function checkUserName(name: string): string {
  if (!USER_NAME.test(name)) {
    throw new BatonError('BAD_INPUT', `user name ${JSON.stringify(name)}: 1 to 64 letters, digits or _ . @ - (not starting with . @ -)`, { where: 'name' });
  }
  return name;
}

export function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new BatonError('BAD_INPUT', `role ${JSON.stringify(role)}: expected one of ${ROLES.join(', ')}`, { where: 'role' });
  }
  return role as Role;
}

export interface IssuedToken {
  user: UserRecord;
  /** shown once to whoever asked; only its hash is kept */
  token: string;
}

export class UserRegistry {
  private readonly byName = new Map<string, UserRecord>();
  private readonly byHash = new Map<string, UserRecord>();
  /** the streams open in each user's name, ended when the credential they came with is revoked */
  readonly streams = new OpenStreams();

  constructor(private readonly store: Store) {}

  /** Reads the users table (at controller start). */
  async load(): Promise<void> {
    this.byName.clear();
    this.byHash.clear();
    for (const u of await this.store.listUsers()) this.remember(u);
  }

  get(name: string): UserRecord | undefined {
    return this.byName.get(name);
  }

  /** The user whose current token this is. */
  byToken(token: string): UserRecord | undefined {
    return this.byHash.get(hashToken(token));
  }

  list(): UserRecord[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async add(name: string, role: string): Promise<IssuedToken> {
    checkUserName(name);
    const checkedRole = checkRole(role);
    if (this.byName.has(name)) {
      throw new BatonError('BAD_INPUT', `user ${name} exists already (a new token: baton user token ${name})`, { where: 'name' });
    }
    const token = newUserToken();
    const now = Date.now();
    const user: UserRecord = { name, role: checkedRole, tokenHash: hashToken(token), createdMs: now, tokenMs: now };
    // remembered before the write, so that a second add of the same name meanwhile is refused
    this.remember(user);
    try {
      await this.store.putUser(user);
    } catch (e) {
      this.forget(user);
      throw e;
    }
    return { user, token };
  }

  async remove(name: string): Promise<UserRecord> {
    const user = this.mustGet(name);
    this.forget(user);
    try {
      await this.store.deleteUser(name);
    } catch (e) {
      this.remember(user);
      throw e;
    }
    this.streams.revoke(name, `user ${name} was removed`);
    return user;
  }

  /** A new token for the user; the old one stops working at once. */
  async newToken(name: string): Promise<IssuedToken> {
    const old = this.mustGet(name);
    const token = newUserToken();
    const user: UserRecord = { ...old, tokenHash: hashToken(token), tokenMs: Date.now() };
    this.forget(old);
    this.remember(user);
    try {
      await this.store.putUser(user);
    } catch (e) {
      this.forget(user);
      this.remember(old);
      throw e;
    }
    // a certificate is not a token: the streams it opened go on
    this.streams.revoke(name, `the token of ${name} was replaced by a new one`, ['user-token']);
    return { user, token };
  }

  private mustGet(name: string): UserRecord {
    const user = this.byName.get(name);
    if (!user) throw new BatonError('NOT_FOUND', `no user ${JSON.stringify(name)} (baton user list)`, { where: 'name' });
    return user;
  }

  private remember(u: UserRecord): void {
    this.byName.set(u.name, u);
    this.byHash.set(u.tokenHash, u);
  }

  private forget(u: UserRecord): void {
    this.byName.delete(u.name);
    this.byHash.delete(u.tokenHash);
  }
}
