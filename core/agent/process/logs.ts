// Task log files: stdout and stderr of a task go straight to a file the agent opened (append
// mode), so a task keeps logging while its agent restarts. Rotation, capture times and markers:
// core/agent/logs/journal.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function logFileName(taskId: string): string {
  return `${taskId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')}.log`;
}

/** A task's log: 0600 (umask aside only narrower), in a 0700 folder: logs are the agent user's. */
export function openLogFd(file: string): number {
  try {
    return fs.openSync(file, 'a', 0o600);
  } catch (e) {
    // the directory is made when it is missing, not checked before every task's open
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    return fs.openSync(file, 'a', 0o600);
  }
}

/** The last n lines of a file (reads at most the last 64 KiB; a partial first line is dropped). */
export function lastLines(file: string, n = 20): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    if (len < size) lines.shift();
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n).map((l) => (l.length > 500 ? l.slice(0, 500) + '…' : l));
  } finally {
    fs.closeSync(fd);
  }
}
