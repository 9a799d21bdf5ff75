// Is the controller's view true? Each task it calls alive runs (its pid, with its task id), each
// task it calls DONE has no process left, a task lost while its agent is back and running it is
// a lie, and an environment at rest has its critical tasks in the state it implies.
import type { Environment } from '../../../core/rpc/gen/control.js';
import type { Snapshot } from './snapshot.js';
import { taskStateForEnv, type EnvState } from '../../../core/model/states.js';

const LIVE_STATES = new Set(['STANDBY', 'CONFIGURED', 'RUNNING']);

function groupAlive(s: Snapshot, pgid: number): number[] {
  const pids: number[] = [];
  for (const p of s.procs.values()) if (p.pgid === pgid) pids.push(p.pid);
  return pids;
}

function taskLies(s: Snapshot, env: Environment): string[] {
  const lies: string[] = [];
  const nodeUp = new Map(s.nodes.map((n) => [n.name, n.up && !n.suspect]));
  for (const t of env.tasks) {
    if (t.driver && t.driver !== 'process') continue;
    if (t.unreachable || !t.pid) continue;
    const where = `${env.id}/${t.name} (pid ${t.pid}, on ${t.node})`;
    const live = LIVE_STATES.has(t.state) && !t.lost;
    const proc = s.procs.get(t.pid);
    if (live && (!proc || proc.taskId !== t.id)) lies.push(`${where} is ${t.state} but no such process runs`);
    if (t.state === 'DONE') {
      const left = groupAlive(s, t.pid);
      if (left.length) lies.push(`${where} is DONE but its group still runs (${left.join(', ')})`);
    }
    if (t.lost && nodeUp.get(t.node) && proc && proc.taskId === t.id) lies.push(`${where} is lost but runs, and its agent is back`);
  }
  return lies;
}

function envLies(env: Environment): string[] {
  if (env.transition) return []; // under way: the tasks are moving
  const lies: string[] = [];
  const want = taskStateForEnv(env.state as EnvState);
  if (env.state === 'RUNNING' && !env.runNumber) lies.push(`${env.id} is RUNNING without a run number`);
  if (env.state !== 'RUNNING' && env.runNumber) lies.push(`${env.id} is ${env.state} with run ${env.runNumber}`);
  if (!want) return lies;
  for (const t of env.tasks) {
    if (!t.included || t.unreachable) continue;
    if (env.state === 'DONE') continue; // the processes are checked per task (DONE) above
    const failed = t.state === 'ERROR' || t.state === 'DONE' || t.lost;
    if (t.critical && (failed || t.state !== want)) lies.push(`${env.id} is ${env.state} but its critical task ${t.name} is ${t.lost ? 'lost' : t.state}`);
    if (!t.critical && !failed && t.state !== want) lies.push(`${env.id} is ${env.state} but its task ${t.name} is ${t.state}`);
  }
  return lies;
}

/** every contradiction between the controller's view and the processes, for the given environments */
export function contradictions(s: Snapshot, envIds: Set<string> | null): string[] {
  const out: string[] = [];
  for (const env of s.envs) {
    if (envIds && !envIds.has(env.id)) continue;
    out.push(...taskLies(s, env), ...envLies(env));
  }
  return out;
}
