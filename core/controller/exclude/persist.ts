// Exclusions outlive a controller restart: the role's node in the stored expanded workflow gets
// `enabled: false` (or true again), which is how a restored environment knows its tasks are out
// (restore.ts: a task under a disabled role is not included, hence not expected to run). One
// rewrite of the expanded workflow per exclude/include: rare, and tens of MB only at 150k tasks.
import type { RoleNode } from '../../workflow/types.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';

function find(node: RoleNode, path: string): RoleNode | undefined {
  if (node.path === path) return node;
  for (const c of node.children) {
    const hit = find(c, path);
    if (hit) return hit;
  }
  return undefined;
}

export async function storeInclusion(controller: ControllerCore, env: EnvRuntime, path: string, included: boolean): Promise<void> {
  const node = find(env.expanded.root, path);
  if (!node) return;
  node.enabled = included;
  try {
    await controller.store.putEnvironment({
      id: env.id,
      name: env.name,
      workflow: env.workflow,
      state: env.state,
      runNumber: env.runNumber,
      owner: env.owner,
      createdMs: env.createdMs,
      updatedMs: env.updatedMs,
      vars: env.vars,
      repo: env.repo,
      revision: env.revision,
      expanded: env.expanded,
      error: env.error,
      destroyed: env.destroyed,
    });
  } catch (e) {
    console.error(`baton controller: storing the ${included ? 'inclusion' : 'exclusion'} of ${path} in ${env.id} failed: ${(e as Error).message}`);
  }
}
