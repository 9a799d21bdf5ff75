// Which environments have tasks on a SUSPECT node (agents/grace.ts): the bookkeeping alone, below
// both grace.ts (which makes a node SUSPECT and, after the grace, down) and faults.ts (whose
// nodeDown ends the SUSPECT state), so that neither imports the other both ways.
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { NodeRuntime } from '../nodes.js';
import type { TaskRuntime } from '../model/task.js';

/** environment -> the SUSPECT nodes holding its tasks (kept here, so that the environment model
 *  needs no field for it; the node keeps the other direction in suspectEnvs) */
const unreachableByEnv = new WeakMap<EnvRuntime, Set<string>>();

/** SUSPECT nodes holding tasks of env (sorted; empty when all are reachable). */
export function unreachableNodes(env: EnvRuntime): string[] {
  const s = unreachableByEnv.get(env);
  return s?.size ? [...s].sort() : [];
}

/** The task's node is SUSPECT: its state is the last one known, not confirmed. */
export function taskUnreachable(t: TaskRuntime): boolean {
  return !t.lost && (t.launched || t.waitBatch !== 0) && !!unreachableByEnv.get(t.env)?.has(t.node);
}

/** Records that env has tasks on the SUSPECT node; returns the env's SUSPECT nodes. */
export function markUnreachable(env: EnvRuntime, node: NodeRuntime): Set<string> {
  let s = unreachableByEnv.get(env);
  if (!s) unreachableByEnv.set(env, (s = new Set()));
  s.add(node.name);
  node.suspectEnvs.add(env);
  return s;
}

/** Ends the SUSPECT state (the node is back, removed, or its grace is over). */
export function clearSuspect(controller: ControllerCore, node: NodeRuntime): EnvRuntime[] {
  if (node.graceTimer) clearTimeout(node.graceTimer);
  node.graceTimer = null;
  if (!node.suspect) return [];
  node.suspectSinceMs = 0;
  node.suspectReason = '';
  const touched: EnvRuntime[] = [];
  for (const env of node.suspectEnvs) {
    const s = unreachableByEnv.get(env);
    if (!s?.delete(node.name)) continue;
    if (!s.size) unreachableByEnv.delete(env);
    if (env.destroyed) continue;
    controller.envTouched(env);
    touched.push(env);
  }
  node.suspectEnvs.clear();
  return touched;
}
