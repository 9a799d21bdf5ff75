// Process bookkeeping for local mode: liveness, group kills, and a /proc scan that finds what
// local mode (or the tasks its agents spawned) left behind. Linux /proc; elsewhere the scan
// finds nothing and only the recorded pids are used.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  argv: string[];
  env: Map<string, string>;
  /** where stdout and stderr point, and the working directory (readlink; '' when unreadable) */
  stdout: string;
  stderr: string;
  cwd: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fields of /proc/<pid>/stat after the command (which may contain spaces and parens). */
function readStat(pid: number): { state: string; ppid: number; pgid: number } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]), pgid: Number(rest[2]) };
  } catch {
    return null;
  }
}

/** Alive and not a zombie (a zombie holds no resources; in containers nobody may reap it). */
export function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const st = readStat(pid);
  return st === null ? fs.existsSync('/proc/self') === false : st.state !== 'Z' && st.state !== 'X';
}

/** Signals a whole process group (every local-mode process leads its own); false if it is gone. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!(pgid > 1)) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    try {
      process.kill(pgid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

export function killPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of the pids is alive; returns the ones still alive at the deadline. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const end = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length && Date.now() < end) {
    await sleep(50);
    alive = alive.filter(isAlive);
  }
  return alive;
}

/**
 * SIGTERM to each group, then SIGKILL to the groups of what is still alive after `graceMs`.
 * Returns the pids that needed SIGKILL.
 */
export async function stopGroups(pgids: number[], graceMs: number): Promise<number[]> {
  const live = pgids.filter(isAlive);
  for (const g of live) killGroup(g, 'SIGTERM');
  const stubborn = await waitGone(live, graceMs);
  for (const g of stubborn) killGroup(g, 'SIGKILL');
  await waitGone(stubborn, 2000);
  return stubborn;
}

function readLink(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return '';
  }
}

function readProc(pid: number): ProcInfo | null {
  const st = readStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return null;
  let argv: string[] = [];
  const env = new Map<string, string>();
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    /* gone or not ours */
  }
  try {
    for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const i = kv.indexOf('=');
      if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
    }
  } catch {
    /* another user's process: environ is unreadable */
  }
  return {
    pid,
    ppid: st.ppid,
    pgid: st.pgid,
    state: st.state,
    argv,
    env,
    stdout: readLink(`/proc/${pid}/fd/1`),
    stderr: readLink(`/proc/${pid}/fd/2`),
    cwd: readLink(`/proc/${pid}/cwd`),
  };
}

export function listProcs(): ProcInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcInfo[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const p = readProc(Number(n));
    if (p) out.push(p);
  }
  return out;
}

/** This process and its ancestors: never candidates for a sweep. */
function selfAndAncestors(procs: Map<number, ProcInfo>): Set<number> {
  const out = new Set<number>([process.pid]);
  let p = process.ppid;
  while (p > 1 && !out.has(p)) {
    out.add(p);
    p = procs.get(p)?.ppid ?? 0;
  }
  return out;
}

const under = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep);

/** Why a process belongs to the local stack of `home`, or null. */
export function ownedReason(p: ProcInfo, home: string, pgids: Set<number>): string | null {
  if (pgids.has(p.pgid) || pgids.has(p.pid)) return 'started by local mode';
  // a baton controller or agent serving this home (e.g. a controller restarted by hand); not a
  // `baton console` or any other client: those are the user's, and hold no task
  const isBaton = p.argv.some((a) => /(^|\/)(baton(\.js)?|cli\/main\.js)$/.test(a));
  if (isBaton && (p.argv.includes('controller') || p.argv.includes('agent'))) {
    const i = p.argv.indexOf('--home');
    const argHome = i >= 0 ? p.argv[i + 1] : p.argv.find((a) => a.startsWith('--home='))?.slice(7);
    const h = argHome ?? p.env.get('BATON_HOME');
    if (h && path.resolve(h) === home) return 'baton process of this home';
  }
  // the etcd of a local cluster of this home (cluster.ts), its data in the home
  const dataDir = p.argv[p.argv.indexOf('--data-dir') + 1];
  if (/(^|\/)etcd$/.test(p.argv[0] ?? '') && p.argv.includes('--data-dir') && dataDir && under(path.resolve(dataDir), home)) return 'etcd of this home';
  // a task process spawned by an agent of this home (it may have outlived its agent)
  if (p.env.has('BATON_TASK_ID')) {
    const ctl = (p.env.get('BATON_CONTROL') ?? '').replace(/^unix:\/\//, '');
    if ((ctl && under(ctl, home)) || under(p.stdout, home) || under(p.stderr, home) || under(p.cwd, home)) {
      return 'task process of this home';
    }
  }
  return null;
}

/** The processes of this home's local stack still alive (never this process or its ancestors). */
export function findLeftovers(home: string, recordedPgids: number[]): { proc: ProcInfo; reason: string }[] {
  const procs = listProcs();
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const skip = selfAndAncestors(byPid);
  const pgids = new Set(recordedPgids.filter((g) => g > 1));
  const found: { proc: ProcInfo; reason: string }[] = [];
  for (const p of procs) {
    if (skip.has(p.pid)) continue;
    const reason = ownedReason(p, home, pgids);
    if (reason) found.push({ proc: p, reason });
  }
  // the children of a found process that leads its own group (a task's helpers) go too; groups
  // led by something else (a shell, a test runner) are left alone
  const groups = new Set(found.filter((f) => f.proc.pgid === f.proc.pid).map((f) => f.proc.pid));
  for (const p of procs) {
    if (skip.has(p.pid) || found.some((f) => f.proc.pid === p.pid)) continue;
    if (groups.has(p.pgid)) found.push({ proc: p, reason: 'in the process group of one' });
  }
  return found;
}
