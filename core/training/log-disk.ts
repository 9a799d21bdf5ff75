// The full log disk of a training stack (fault fill_log_disk): the logs folder of one local agent
// becomes a size-limited tmpfs, filled to the last byte, so that every log file opened there from
// then on (a task started or restarted) fails its writes with ENOSPC, as on a real full disk. The
// chaos suite does the same (test/chaos/log-disk.ts). A mount needs root or CAP_SYS_ADMIN: where
// it is refused the fault fails, naming why, and changes nothing.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';

const FILLER = 'training-filler.bin';

/** the logs folder of a local agent */
export function agentLogsDir(home: string, node: string): string {
  return path.join(home, 'agents', node, 'logs');
}

function mounted(dir: string): boolean {
  try {
    return fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .some((l) => l.split(' ')[1] === dir);
  } catch {
    return false;
  }
}

/** Mounts a tmpfs of `size` (e.g. 4m) on dir unless one is there, then fills it. */
export function fillLogDisk(dir: string, size = '4m'): number {
  if (!mounted(dir)) {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'baton-training-logs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const why = ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim();
      throw new BatonError('PERMISSION_DENIED', `fill_log_disk needs a tmpfs mounted on ${dir} (root or CAP_SYS_ADMIN), and mount was refused: ${why}`, {
        where: 'fill_log_disk',
      });
    }
  }
  const fd = fs.openSync(path.join(dir, FILLER), 'a');
  const block = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (const size of [block.length, 4096, 512, 1]) {
      for (;;) {
        try {
          written += fs.writeSync(fd, block.subarray(0, size));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

/** Frees the disk (the mount stays: the logs written since are on it). */
export function freeLogDisk(dir: string): void {
  fs.rmSync(path.join(dir, FILLER), { force: true });
}

/** Unmounts the training tmpfs (the walkthrough's end); the agent's earlier logs show again. */
export function unmountLogDisk(dir: string): void {
  if (!mounted(dir)) return;
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

/** Why fill_log_disk cannot run here, or null: a dry check that mount is possible (root). */
export function logDiskUnavailable(): string | null {
  if (process.platform !== 'linux') return `fill_log_disk needs Linux (tmpfs); this is ${process.platform}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return "fill_log_disk mounts a tmpfs on the agent's logs folder, which needs root (or CAP_SYS_ADMIN); run the training stack as root or leave this walkthrough out";
  return null;
}
