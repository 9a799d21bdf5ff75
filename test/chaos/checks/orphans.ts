// Orphans: processes of this run that nobody owns. A task process is owned when an environment
// lists its task, not DONE, with the process's group as its pid; any other tagged process (spawn
// helper, hook) when it descends from the controller or an agent now running.
import type { ProcessInfo } from '../proc-scan.js';
import type { Snapshot } from './snapshot.js';

function descendsFromManaged(s: Snapshot, p: ProcessInfo): boolean {
  let cur: ProcessInfo | undefined = p;
  for (let depth = 0; cur && depth < 16; depth++) {
    if (s.managed.has(cur.ppid)) return true;
    cur = s.procs.get(cur.ppid);
  }
  return false;
}

export function orphans(s: Snapshot): ProcessInfo[] {
  const owner = new Map<string, { pid: number; state: string }>();
  for (const env of s.envs) for (const t of env.tasks) owner.set(t.id, { pid: t.pid, state: t.state });
  const out: ProcessInfo[] = [];
  for (const p of s.procs.values()) {
    if (s.managed.has(p.pid)) continue;
    if (p.taskId) {
      const t = owner.get(p.taskId);
      if (t && t.pid === p.pgid && t.state !== 'DONE') continue;
    } else if (descendsFromManaged(s, p)) continue;
    out.push(p);
  }
  return out;
}

export function describeProcess(p: ProcessInfo): string {
  return `pid ${p.pid} (${p.command}, group ${p.pgid}, parent ${p.ppid}, state ${p.state}${p.taskId ? `, task ${p.taskId}` : ''})`;
}
