// /proc parsing (pure functions, unit-tested) and cheap readers (one small file read each, no
// child processes). Linux only; elsewhere the readers return null. The one scan of all of /proc
// (which groups still have live members) is group-scan.ts.
import * as fs from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  utime: number; // clock ticks
  stime: number;
  starttime: number; // clock ticks after boot: with the pid, identifies one process
  rssPages: number;
}

/** /proc/<pid>/stat. The comm field is in parentheses and may itself hold spaces and ')'. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state): field n is rest[n - 3]
  if (rest.length < 22) return null;
  const f = (n: number) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0]!,
    ppid: f(4),
    pgrp: f(5),
    session: f(6),
    utime: f(14),
    stime: f(15),
    starttime: f(22),
    rssPages: f(24),
  };
}

export interface CpuTimes {
  total: number;
  idle: number;
}

/** The aggregate `cpu` line of /proc/stat. guest time is already inside user, so it is left out. */
export function parseCpuLine(procStat: string): CpuTimes | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

/** Node cpu use in percent between two samples. */
export function cpuPercent(a: CpuTimes, b: CpuTimes): number {
  const dt = b.total - a.total;
  if (dt <= 0) return 0;
  return Math.max(0, Math.min(100, (100 * (dt - (b.idle - a.idle))) / dt));
}

/** /proc/meminfo: total and used (total - available) in bytes. */
export function parseMeminfo(text: string): { total: number; used: number } | null {
  const get = (k: string) => {
    const m = new RegExp(`^${k}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const total = get('MemTotal');
  if (total === null) return null;
  const avail = get('MemAvailable') ?? get('MemFree') ?? 0;
  return { total, used: total - avail };
}

// CLK_TCK and the page size are 100 and 4096 on every Linux this runs on; asking sysconf would
// need a child process.
export const CLK_TCK = 100;
export const PAGE_SIZE = 4096;

function readText(p: string): string | null {
  try {
    return fs.readFileSync(p, 'latin1');
  } catch {
    return null;
  }
}

/** a /proc/<pid>/stat is well under 1 KiB: one read into a buffer shared by every call */
const statBuffer = Buffer.allocUnsafe(4096);

/**
 * /proc/<pid>/stat, parsed; null when the process is gone. One open, one read into a shared
 * buffer and one close: readFileSync (and fs.promises.readFile even more) read a /proc file,
 * whose size says 0, in 64 KiB chunks until EOF.
 */
export function readProcStat(pid: number): ProcStat | null {
  let fd: number;
  try {
    fd = fs.openSync(`/proc/${pid}/stat`, 'r');
  } catch {
    return null;
  }
  try {
    const n = fs.readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return parseProcStat(statBuffer.toString('latin1', 0, n));
  } catch {
    return null; // gone between the open and the read
  } finally {
    fs.closeSync(fd);
  }
}

/** stat reads per turn of the event loop in readProcStats */
const READS_PER_TURN = 50;

/**
 * readProcStat for many pids, READS_PER_TURN per turn of the event loop: the loop is held a few
 * ms at most, and 1,000 reads cost ~20 cpu-ms where 1,000 fs.promises.readFile cost 230-370
 * (docs/performance.md, "Peers").
 */
export async function readProcStats(pids: readonly number[], each: (pid: number, st: ProcStat | null) => void): Promise<void> {
  for (let i = 0; i < pids.length; i++) {
    if (i && i % READS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
    each(pids[i]!, readProcStat(pids[i]!));
  }
}

export function readCpuTimes(): CpuTimes | null {
  const t = readText('/proc/stat');
  return t === null ? null : parseCpuLine(t);
}

export function readMeminfo(): { total: number; used: number } | null {
  const t = readText('/proc/meminfo');
  return t === null ? null : parseMeminfo(t);
}

/** A process that exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const st = readProcStat(pid);
  return st === null ? process.platform !== 'linux' : st.state !== 'Z' && st.state !== 'X';
}
