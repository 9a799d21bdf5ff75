// The configuration a run starts with, kept with the run: the workflow as given, its file, the
// template repo and revision, the vars given and every var in force, and the roles excluded at
// START. The rendered (expanded) workflow is not copied per run: it is the environment's, stored
// once at create and kept after destroy (GetRun reads it from there).
import type { RunConfigRecord } from '../../store/store.js';
import type { EnvRuntime } from '../model/env.js';

/** Roles excluded when the run starts: the top of each excluded subtree. */
export function excludedRoles(env: EnvRuntime): string[] {
  const tree = env.tree;
  const out: string[] = [];
  for (let i = 0; i < tree.size; i++) {
    const parent = tree.parent(i);
    if (!tree.included(i) && (parent < 0 || tree.included(parent))) out.push(tree.path(i));
  }
  return out;
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
