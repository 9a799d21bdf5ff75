// The console's session key, kept across restarts of `baton console`: open screens hold it (the
// per-launch token of old), so a console restarted on the same address signs nobody out. It lives
// in <home>/console/session.json (folder 0700, file 0600) with a hash of what it was made for (the
// controller's address and the user's token): a console started for another controller or user
// gets a new key, and every screen of the old one is signed out. docs/security.md, "The console".
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BatonError } from '../model/errors.js';
import { privateDir } from '../model/private-files.js';
import { newConsoleToken } from './auth.js';

interface StoredSession {
  key: string;
  /** SHA-256 of the controller address and the user's token the key was made for */
  for: string;
  createdMs: number;
}

export function sessionKeyFile(home: string): string {
  return path.join(home, 'console', 'session.json');
}

function purpose(controller: string, userToken: string | undefined): string {
  return createHash('sha256')
    .update(`${controller}\n${userToken ?? ''}`)
    .digest('hex');
}

/**
 * The session key for a console of this home, controller and user: the stored one, else a new
 * one (stored). `renew` makes a new one in any case (signs every open screen out).
 */
export function consoleSessionKey(home: string, controller: string, userToken: string | undefined, renew = false): string {
  const file = sessionKeyFile(home);
  const want = purpose(controller, userToken);
  if (!renew) {
    let stored: StoredSession | null = null;
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredSession;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) {
        throw new BatonError('BAD_INPUT', `console session key ${file}: ${(e as Error).message}`, { where: file });
      }
    }
    if (stored && typeof stored.key === 'string' && stored.key.length >= 32 && stored.for === want) {
      if ((fs.statSync(file).mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
      return stored.key;
    }
  }
  privateDir(path.dirname(file), 'console home');
  const session: StoredSession = { key: newConsoleToken(), for: want, createdMs: Date.now() };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(session)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return session.key;
}
