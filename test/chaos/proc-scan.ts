// What really runs: one pass over /proc for the processes that carry this run's tag (tasks
// inherit it from their agent), with their group, parent, state and Baton task id.
import * as fs from 'node:fs';
import { TAG_VARIABLE } from './processes.js';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** R, S, D, T (stopped), Z (zombie), ... */
  state: string;
  /** BATON_TASK_ID from its environment ('' for the controller, agents, spawn helpers, hooks) */
  taskId: string;
  command: string;
}

function statOf(pid: number): { ppid: number; pgid: number; state: string; command: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), command: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return null;
  }
}

/** every live (not zombie) process tagged with `tag` */
export function scanTagged(tag: string): Map<number, ProcessInfo> {
  const needle = `${TAG_VARIABLE}=${tag}\0`;
  const out = new Map<number, ProcessInfo>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (!environ.includes(needle)) continue;
    const st = statOf(pid);
    if (!st || st.state === 'Z' || st.state === 'X') continue;
    const m = /(?:^|\0)BATON_TASK_ID=([^\0]*)/.exec(environ);
    out.set(pid, { pid, ...st, taskId: m?.[1] ?? '' });
  }
  return out;
}

/** a process is alive and not a zombie */
export function alive(pid: number): boolean {
  if (!pid) return false;
  const st = statOf(pid);
  return !!st && st.state !== 'Z' && st.state !== 'X';
}

/** SIGKILL to the processes' groups and to themselves */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}
