// Folders and files only their user may read: a Baton home holds the database (vars, events),
// task logs, sockets and local mode's token. Modes are set with chmod after creating, so the
// result does not depend on the umask; a folder found wider than 0700 is tightened, with a warning
// that says what it was. (Node's fs only, nothing of Baton: the agent, the controller and local
// mode share it, and core/model is the one layer all of them may import. The console never
// imports this file.)
import * as fs from 'node:fs';

export type Warn = (message: string) => void;

const defaultWarn: Warn = (m) => console.error(`baton: ${m}`);

/** Creates `dir` (and its parents) and makes it 0700; says so when an existing one was wider. */
export function privateDir(dir: string, what: string, warn: Warn = defaultWarn): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode !== 0o700) {
    fs.chmodSync(dir, 0o700);
    if (mode & 0o077) warn(`${what} ${dir} was readable by other users (mode ${mode.toString(8).padStart(4, '0')}): made it 0700`);
  }
}

/** Makes each existing file of `names` in `dir` 0600 (those that do not exist yet are skipped). */
export function privateFiles(dir: string, names: string[]): void {
  for (const name of names) {
    try {
      const file = `${dir}/${name}`;
      if ((fs.statSync(file).mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
