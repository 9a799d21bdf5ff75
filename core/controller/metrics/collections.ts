// An environment's tasks grouped by collection (labels.ts), once per environment. A history
// sample (every 5 s) and a scrape sum each task's cpu and memory into its collection's series;
// doing that per task with a label string and a map key cost ~1 us a task, a fixed 0.4 s of the
// controller's thread every sample at 500,000 tasks, so a transition's cost grew with the
// tasks times its own length. With the groups kept, a sample adds numbers in a loop.
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { collectionOf } from './labels.js';

export interface TaskCollection {
  /** the collection's label: the role path with its numbers as `*` */
  label: string;
  tasks: TaskRuntime[];
}

export interface CollectionSums {
  label: string;
  cpu: number;
  rss: number;
}

/** env.tasks never changes after the create (an exclusion flips `included`), so the groups hold */
const groups = new WeakMap<EnvRuntime, TaskCollection[]>();

/** The environment's tasks by collection, in the order each collection first appears. */
export function taskCollections(env: EnvRuntime): TaskCollection[] {
  let found = groups.get(env);
  if (found) return found;
  const byLabel = new Map<string, TaskCollection>();
  for (const t of env.tasks) {
    const label = collectionOf(t.name);
    const c = byLabel.get(label);
    if (c) c.tasks.push(t);
    else byLabel.set(label, { label, tasks: [t] });
  }
  found = [...byLabel.values()];
  groups.set(env, found);
  return found;
}

/**
 * Each collection's summed cpu and memory over its included, launched tasks: the series a
 * collection-labelled environment has (a collection with none of those has no series).
 */
export function collectionSums(env: EnvRuntime): CollectionSums[] {
  const out: CollectionSums[] = [];
  for (const c of taskCollections(env)) {
    let cpu = 0;
    let rss = 0;
    let counted = false;
    for (const t of c.tasks) {
      if (!t.included || !t.launched) continue;
      counted = true;
      cpu += t.cpu;
      rss += t.rss;
    }
    if (counted) out.push({ label: c.label, cpu, rss });
  }
  return out;
}
