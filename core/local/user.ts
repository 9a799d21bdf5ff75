// Local mode's user: `baton local up` makes the OS user an admin of the local controller and keeps
// that user's token in $BATON_HOME/local/user-token (0600), which the CLI and `baton console` send.
// The controller's own token (state.json) stays for the agents and local mode's own calls.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toBatonError } from '../model/errors.js';
import { connectControl } from '../rpc/control-client.js';
import { userTokenPath } from './paths.js';
import type { LocalState } from './state.js';

export interface LocalUser {
  name: string;
  role: string;
  /** where its token is kept */
  tokenFile: string;
}

/** The OS user's name (a container without a passwd entry has none: then $USER or the uid). */
export function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER || `uid-${process.getuid?.() ?? 0}`;
  }
}

/** The local user's token, or undefined when local up has not made one (or it is unreadable). */
export function readUserToken(home: string): string | undefined {
  try {
    return fs.readFileSync(userTokenPath(home), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function writeUserToken(home: string, token: string): void {
  const file = userTokenPath(home);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Makes sure the OS user is a user of the local controller with a working token in the token
 * file: a token that still works is kept (an exported BATON_TOKEN survives `local down`/`up`);
 * otherwise the user is added as admin, or, when it exists (the database outlives the stack),
 * given a new token. Uses the controller's own token, which stands for the local admin.
 */
export async function ensureLocalUser(state: LocalState, timeoutMs = 10_000): Promise<LocalUser> {
  const name = osUserName();
  const tokenFile = userTokenPath(state.home);
  const kept = readUserToken(state.home);
  if (kept) {
    const mine = connectControl(state.controller.address, { token: kept, client: 'cli' });
    try {
      const me = await mine.call('whoAmI', {}, timeoutMs);
      if (me.user === name) return { name, role: me.role, tokenFile };
    } catch (e) {
      if (toBatonError(e).code !== 'UNAUTHENTICATED') throw e;
    } finally {
      mine.close();
    }
  }
  const admin = connectControl(state.controller.address, { token: state.token, client: 'cli' });
  try {
    const known = (await admin.call('listUsers', {}, timeoutMs)).users.some((u) => u.name === name);
    const issued = known ? await admin.call('newUserToken', { name }, timeoutMs) : await admin.call('addUser', { name, role: 'admin' }, timeoutMs);
    writeUserToken(state.home, issued.token);
    return { name, role: issued.user?.role ?? 'admin', tokenFile };
  } finally {
    admin.close();
  }
}
