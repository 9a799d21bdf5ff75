// An environment's tasks grouped by collection (labels.ts), once per environment. A history
// sample (every 5 s) and a scrape sum each task's cpu and memory into its collection's series;
// doing that per task with a label string and a map key cost ~1 us a task, a fixed 0.4 s of the
// controller's thread every sample at 500,000 tasks, so a transition's cost grew with the
// tasks times its own length. With the groups kept, and the tasks that report metrics noted as
// heartbeats bring them, a sample looks at those tasks and one launched task per collection.
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { collectionOf } from './labels.js';

export interface TaskCollection {
  /** the collection's label: the role path with its numbers as `*` */
  label: string;
  tasks: TaskRuntime[];
  /** where in `tasks` a launched task was last found: the next sample looks there first */
  hint: number;
}

export interface CollectionSums {
  label: string;
  cpu: number;
  rss: number;
}

/** env.tasks never changes after the create (an exclusion flips `included`), so the groups hold */
const groups = new WeakMap<EnvRuntime, TaskCollection[]>();
/** the tasks of an environment that ever had cpu or memory from a heartbeat (every other task's
 *  are 0: a sim task's, one whose agent reports none) */
const reporting = new WeakMap<EnvRuntime, Set<TaskRuntime>>();

/** The environment's tasks by collection, in the order each collection first appears. */
export function taskCollections(env: EnvRuntime): TaskCollection[] {
  let found = groups.get(env);
  if (found) return found;
  const byLabel = new Map<string, TaskCollection>();
  for (const t of env.tasks) {
    const label = collectionOf(t.name);
    const c = byLabel.get(label);
    if (c) c.tasks.push(t);
    else byLabel.set(label, { label, tasks: [t], hint: 0 });
  }
  found = [...byLabel.values()];
  groups.set(env, found);
  return found;
}

/** A heartbeat gave this task its cpu and memory (agents/pool.ts): it counts in its collection's sums. */
export function noteTaskMetrics(t: TaskRuntime): void {
  let tasks = reporting.get(t.env);
  if (!tasks) {
    tasks = new Set();
    reporting.set(t.env, tasks);
  }
  tasks.add(t);
}

/** whether a task of the collection is included and launched, looking where one was last found first */
function hasLaunched(c: TaskCollection): boolean {
  const n = c.tasks.length;
  for (let k = 0; k < n; k++) {
    const i = (c.hint + k) % n;
    const t = c.tasks[i]!;
    if (t.included && t.launched) {
      c.hint = i;
      return true;
    }
  }
  return false;
}

/**
 * A task series' cpu and memory: one row per launched task of an environment labelled per task
 * (`perTask`, under the label limit), else one per collection (collectionSums). The history
 * sample and the scrape both take their task usage from here.
 */
export function taskUsage(env: EnvRuntime, perTask: boolean): CollectionSums[] {
  if (!perTask) return collectionSums(env);
  const rows: CollectionSums[] = [];
  for (const t of env.active) if (t.launched) rows.push({ label: t.name, cpu: t.cpu, rss: t.rss });
  return rows;
}

/**
 * Each collection's summed cpu and memory over its included, launched tasks: the series a
 * collection-labelled environment has (a collection with none of those has no series). While its
 * tasks run, a sample costs a look per collection plus one per task that reports metrics, not a
 * walk of every task (a walk happens only for a collection none of whose tasks is launched).
 */
export function collectionSums(env: EnvRuntime): CollectionSums[] {
  const sums = new Map<string, { cpu: number; rss: number }>();
  for (const t of reporting.get(env) ?? []) {
    if (!t.included || !t.launched) continue;
    const label = collectionOf(t.name);
    const row = sums.get(label);
    if (row) {
      row.cpu += t.cpu;
      row.rss += t.rss;
    } else sums.set(label, { cpu: t.cpu, rss: t.rss });
  }
  const out: CollectionSums[] = [];
  for (const c of taskCollections(env)) {
    if (!hasLaunched(c)) continue;
    const row = sums.get(c.label);
    out.push({ label: c.label, cpu: row?.cpu ?? 0, rss: row?.rss ?? 0 });
  }
  return out;
}
