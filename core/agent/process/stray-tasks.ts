// Tasks an agent's predecessor launched but never recorded. A task is spawned, then written to
// tasks.json (coalesced, up to 50 ms later); an agent killed -9 in between leaves a process that
// the next agent cannot adopt and nobody will ever stop: a controlled one gives up after its
// refused re-dials, a basic one (a plain program) runs forever. Every task's stdout is its log
// file in this agent's logs directory, so a process writing there that is not an adopted task
// (nor in an adopted task's group) is such a stray: its group is killed when the agent starts.
// Found by the chaos suite (agent kill -9 inside DEPLOY: /bin/sleep tasks orphaned for good).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readProcStat } from './proc.js';

function stdoutOf(pid: number): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/fd/1`);
  } catch {
    return null;
  }
}

/** SIGKILLs the groups of processes whose stdout is in logsDir and whose group is not kept; returns their pids */
export function reapStrayTasks(logsDir: string, keptGroups: ReadonlySet<number>): number[] {
  if (process.platform !== 'linux') return [];
  const prefix = `${path.resolve(logsDir)}${path.sep}`;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const reaped: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    const out = stdoutOf(pid);
    if (!out?.startsWith(prefix)) continue;
    const st = readProcStat(pid);
    if (!st || st.state === 'Z' || keptGroups.has(st.pgrp) || keptGroups.has(pid)) continue;
    for (const target of [-st.pgrp, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    reaped.push(pid);
  }
  return reaped;
}
