// Bounded label sets (docs/observability.md, "Cardinality"). A controller gives per-task labels
// (series, run-summary lines) to at most `taskLabelLimit` tasks; the tasks of environments past
// that are counted per collection: the role path with each run of digits replaced by `*`
// (readout-0 .. readout-63 -> readout-*), which a template's structure bounds, not its size.
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';

export const DEFAULT_TASK_LABEL_LIMIT = 200;

const limits = new WeakMap<ControllerCore, number>();

/** Sets a controller's task label limit (startController does, from ControllerOptions.metrics). */
export function setTaskLabelLimit(controller: ControllerCore, limit: number): void {
  limits.set(controller, limit);
}

export function taskLabelLimit(controller: ControllerCore): number {
  return limits.get(controller) ?? DEFAULT_TASK_LABEL_LIMIT;
}

/** The collection a role path belongs to: its numbers as `*`. */
export function collectionOf(rolePath: string): string {
  return rolePath.replace(/\d+/g, '*');
}

/**
 * The environments whose tasks get a label each: in creation order, as long as the running total
 * of their tasks stays within the limit. Every other environment is counted per collection, so
 * the per-task series of a whole controller never exceed the limit.
 */
export function perTaskEnvs(envs: Iterable<EnvRuntime>, limit: number): Set<EnvRuntime> {
  const out = new Set<EnvRuntime>();
  let used = 0;
  const sorted = [...envs].filter((e) => !e.destroyed).sort((a, b) => a.createdMs - b.createdMs);
  for (const env of sorted) {
    if (used + env.active.length > limit) continue;
    used += env.active.length;
    out.add(env);
  }
  return out;
}
