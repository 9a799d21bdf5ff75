// Run numbers: unique (one run.start per number), monotonic (in event order and start time),
// none lost (every number announced is stored, and the stored ones have no gap); and no run is
// open without an environment RUNNING its tasks.
import type { RunEvents } from '../run-events.js';
import type { Snapshot } from './snapshot.js';

export interface RunFindings {
  duplicate: string[];
  lost: string[];
  notMonotonic: string[];
  openWithoutTasks: string[];
}

export function checkRuns(s: Snapshot, events: RunEvents, announced: Iterable<number>): RunFindings {
  const f: RunFindings = { duplicate: [], lost: [], notMonotonic: [], openWithoutTasks: [] };
  const stored = new Map(s.runs.map((r) => [r.runNumber, r]));
  const seen = new Map<number, string>();
  let previous = 0;
  for (const st of events.starts) {
    const before = seen.get(st.runNumber);
    if (before !== undefined) f.duplicate.push(`run ${st.runNumber} started twice (${before}, then ${st.envId}, event ${st.seq})`);
    seen.set(st.runNumber, st.envId);
    if (st.runNumber <= previous) f.notMonotonic.push(`run.start ${st.runNumber} (event ${st.seq}) after run ${previous}`);
    previous = Math.max(previous, st.runNumber);
    if (!stored.has(st.runNumber)) f.lost.push(`run ${st.runNumber} of ${st.envId} started (event ${st.seq}) but is not stored`);
  }
  for (const n of announced) if (!stored.has(n)) f.lost.push(`run ${n} given to a client but not stored`);
  const numbers = [...stored.keys()].sort((a, b) => a - b);
  for (let i = 1; i < numbers.length; i++) {
    const a = stored.get(numbers[i - 1]!)!;
    const b = stored.get(numbers[i]!)!;
    if (b.runNumber !== a.runNumber + 1) f.lost.push(`no run between ${a.runNumber} and ${b.runNumber}`);
    if (b.startedMs < a.startedMs) f.notMonotonic.push(`run ${b.runNumber} started before run ${a.runNumber}`);
  }
  const envs = new Map(s.envs.map((e) => [e.id, e]));
  for (const r of s.runs) {
    if (r.state !== 'open') continue;
    const e = envs.get(r.envId);
    if (!e) {
      f.openWithoutTasks.push(`run ${r.runNumber} is open but its environment ${r.envId} is gone`);
      continue;
    }
    if (e.transition) continue; // a START or STOP under way
    const running = e.tasks.filter((t) => t.state === 'RUNNING' && !t.lost && (t.unreachable || s.procs.has(t.pid)));
    if (e.state !== 'RUNNING' || e.runNumber !== r.runNumber || running.length === 0) {
      f.openWithoutTasks.push(`run ${r.runNumber} is open but ${r.envId} is ${e.state} (run ${e.runNumber ?? 'none'}) with ${running.length} running tasks`);
    }
  }
  return f;
}
