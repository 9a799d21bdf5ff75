// The full log disk: the plain agent's log directory is a size-limited tmpfs where the machine
// allows a mount (root, or CAP_SYS_ADMIN); filling it makes every task's log write fail with
// ENOSPC, a real full disk. Where the mount is refused the fault is not injected and the results
// say why.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LogDisk {
  dir: string;
  /** a real size-limited filesystem is mounted on dir */
  real: boolean;
  how: string;
}

export function mountLogDisk(dir: string, sizeKiB: number): LogDisk {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'chaos-logs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { dir, real: true, how: `tmpfs of ${sizeKiB} KiB mounted on the plain agent's log directory (mount -t tmpfs -o size=${sizeKiB}k)` };
  } catch (e) {
    const why = ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim();
    return { dir, real: false, how: `no size-limited filesystem: mount -t tmpfs was refused (${why}); the full-disk fault is not injected` };
  }
}

export function unmountLogDisk(disk: LogDisk): void {
  if (!disk.real) return;
  try {
    execFileSync('umount', ['-l', disk.dir], { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

const FILLER = 'chaos-filler.bin';

/** fills the disk to the last byte; returns the bytes written */
export function fillLogDisk(disk: LogDisk): number {
  const file = path.join(disk.dir, FILLER);
  const fd = fs.openSync(file, 'a');
  const block = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      try {
        written += fs.writeSync(fd, block);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw e;
      }
    }
    // the last partial block
    for (const size of [4096, 512, 1]) {
      for (;;) {
        try {
          written += fs.writeSync(fd, block.subarray(0, size));
        } catch {
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

export function freeLogDisk(disk: LogDisk): void {
  fs.rmSync(path.join(disk.dir, FILLER), { force: true });
}

/** true when a one-byte append fails with ENOSPC */
export function logDiskFull(disk: LogDisk): boolean {
  try {
    fs.appendFileSync(path.join(disk.dir, 'chaos-probe'), 'x');
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOSPC';
  }
}
