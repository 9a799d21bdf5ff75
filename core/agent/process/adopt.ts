// What a starting agent takes over from its predecessor: the tasks in tasks.json whose process is
// still the same one (pid and start time), and nothing else. A process writing to the agent's logs
// that tasks.json does not hold was launched by a predecessor killed before it recorded it: it is
// killed as a stray (stray-tasks.ts), since no one else ever would.
import * as path from 'node:path';
import { TASK_STATES, type TaskState } from '../../model/states.js';
import { processAlive, readProcStat } from './proc.js';
import { readStateFile } from './state-file.js';
import { reapStrayTasks } from './stray-tasks.js';
import { newTask, type ProcTask } from './task.js';

/** The tasks of `dir`/tasks.json still running as recorded (launched, not our children). */
export function adoptRecordedTasks(dir: string): ProcTask[] {
  const out: ProcTask[] = [];
  for (const p of readStateFile(path.join(dir, 'tasks.json'))) {
    const st = readProcStat(p.pid);
    if (!st || st.starttime !== p.startTime || st.state === 'Z') continue;
    const t = newTask({
      id: p.id,
      envId: p.envId,
      name: p.name,
      control: p.control === 'basic' ? 'basic' : 'controlled',
      command: p.command,
      pid: p.pid,
      startTime: p.startTime,
      token: p.token,
      state: (TASK_STATES as readonly string[]).includes(p.state) ? (p.state as TaskState) : 'STANDBY',
      logPath: p.logPath,
      ports: p.ports ?? {},
      addresses: p.addresses ?? {},
      unixPaths: p.unixPaths ?? [],
      cleanupFiles: p.cleanupFiles ?? [],
      controlExitMs: p.controlExitMs,
      termMs: p.termMs,
      child: null,
    });
    t.launched = true;
    out.push(t);
  }
  return out;
}

/** Kills the processes writing to `dir`/logs that are not among `adopted`; says which, if any. */
export function reapStrays(dir: string, name: string, adopted: Iterable<ProcTask>): void {
  const strays = reapStrayTasks(path.join(dir, 'logs'), new Set([...adopted].map((t) => t.pid)));
  if (strays.length) console.error(`baton agent ${name}: killed ${strays.length} task process(es) a previous agent left unrecorded: ${strays.join(', ')}`);
}

/** Adopted tasks are not our children: their exit is found by polling /proc (`onExit` as the
 *  driver's: code 0 for an exit that was asked for, else the signal sent, if any). */
export function pollAdoptedExits(tasks: Iterable<ProcTask>, onExit: (t: ProcTask, code: number | null, signal: string | null) => void): void {
  for (const t of tasks) {
    if (t.child || t.exit) continue;
    const st = readProcStat(t.pid);
    const alive = st ? st.starttime === t.startTime && st.state !== 'Z' && st.state !== 'X' : processAlive(t.pid);
    if (!alive) onExit(t, t.exitRequested && !t.killSignal ? 0 : null, t.killSignal || null);
  }
}
