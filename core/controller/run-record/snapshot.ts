// The configuration a run starts with, kept with the run: the workflow as given, its file, the
// template repo and revision, the vars given and every var in force, and the roles excluded at
// START. The rendered (expanded) workflow is not copied per run: it is the environment's, stored
// once at create and kept after destroy (GetRun reads it from there).
import type { RunConfigRecord } from '../../store/store.js';
import type { EnvRuntime } from '../model/env.js';

/** Roles excluded when the run starts: the top of each excluded subtree. */
export function excludedRoles(env: EnvRuntime): string[] {
  const nodes = env.tree.nodes;
  return nodes.filter((n) => !n.included && (n.parent < 0 || nodes[n.parent]!.included)).map((n) => n.path);
}

export function configSnapshot(env: EnvRuntime): RunConfigRecord {
  return {
    workflow: env.workflow,
    file: env.expanded.file ?? '',
    repo: env.repo,
    revision: env.revision,
    vars: { ...env.vars },
    varsInForce: { ...(env.expanded.vars ?? {}) },
    excludedRoles: excludedRoles(env),
    tasks: env.expanded.tasks.length,
    hooks: env.expanded.hooks?.length ?? 0,
    channels: env.expanded.channels?.length ?? 0,
  };
}
