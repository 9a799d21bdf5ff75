// Which detectors a run reads out. Workflows have no detector field of their own; a run's
// detectors are, in this order of preference: the workflow var `detectors` (a list, or a string
// of names separated by commas or spaces), else the `detector` constraint of its included tasks
// (constraints: {detector: TPC}), else the `detector` label of the nodes its included tasks are
// placed on (baton agent --labels detector=TPC).
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';

function names(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

function sortedUnique(list: Iterable<string>): string[] {
  return [...new Set(list)].sort();
}

export function detectorsOf(controller: ControllerCore, env: EnvRuntime): string[] {
  const declared = names(env.expanded.vars?.detectors);
  if (declared.length) return sortedUnique(declared);
  const constrained = env.active.map((t) => t.spec.constraints?.detector ?? '').filter(Boolean);
  if (constrained.length) return sortedUnique(constrained);
  const labelled: string[] = [];
  for (const t of env.active) {
    const label = controller.nodes.get(t.node)?.labels?.detector;
    if (label) labelled.push(label);
  }
  return sortedUnique(labelled);
}
