// Exclusive claims (the workflow's `claims`, core/workflow/claims.ts): at most one environment
// claims a detector, and a claimed node runs the tasks of its claimant only. A second environment
// claiming the same is refused at create with HELD naming the holder and its environment; the
// claim goes with the environment's destroy. Claims are not stored apart: a restarted controller
// rebuilds them from the stored expanded workflows.
import { BatonError } from '../../model/errors.js';
import type { WorkflowClaims } from '../../workflow/types.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import { formatSince } from './format.js';
import type { Claim } from './registry.js';

/** The nodes a label selector picks (every node, up or not, whose labels include all of it). */
function nodesMatching(controller: ControllerCore, selector: Record<string, string>): Set<string> {
  const out = new Set<string>();
  for (const n of controller.nodes.all()) {
    if (Object.entries(selector).every(([k, v]) => n.labels[k] === v)) out.add(n.name);
  }
  return out;
}

function claimOf(controller: ControllerCore, env: EnvRuntime, claims: WorkflowClaims, creator: string): Claim {
  return {
    envId: env.id,
    envName: env.name,
    creator,
    detectors: new Set(claims.detectors),
    nodes: Object.keys(claims.nodes).length ? nodesMatching(controller, claims.nodes) : new Set(),
  };
}

/**
 * Checks the new environment's claims against everyone else's and records them (synchronously:
 * two creates cannot both pass). Throws HELD naming the holder and the environment.
 */
export function reserveClaims(controller: ControllerCore, env: EnvRuntime, creator: string): void {
  const wanted = env.expanded.claims;
  if (!wanted) return;
  const mine = claimOf(controller, env, wanted, creator);
  for (const other of controller.claims.all()) {
    if (other.envId === env.id) continue;
    for (const d of mine.detectors) if (other.detectors.has(d)) throw claimedError(controller, `detector ${d}`, other.envId, other.envName, other.creator);
    for (const n of mine.nodes) if (other.nodes.has(n)) throw claimedError(controller, `node ${n}`, other.envId, other.envName, other.creator);
  }
  // a node another environment already runs tasks on cannot become this one's alone
  for (const n of mine.nodes) {
    for (const task of controller.nodes.get(n)?.tasks ?? []) {
      if (task.env.id !== env.id) throw claimedError(controller, `node ${n}`, task.env.id, task.env.name, task.env.owner, 'runs tasks of');
    }
  }
  controller.claims.set(mine);
  env.claim = mine;
}

/** The destroyed (or never created) environment's claims go. */
export function releaseClaims(controller: ControllerCore, envId: string): void {
  controller.claims.delete(envId);
}

/** At restart: every restored environment claims again what its expanded workflow claims. */
export function restoreClaims(controller: ControllerCore): void {
  for (const env of controller.envs.values()) {
    const wanted = env.expanded.claims;
    if (!wanted) continue;
    env.claim = claimOf(controller, env, wanted, env.hold?.holder ?? env.owner);
    controller.claims.set(env.claim);
  }
}

/** true when another environment than `envId` claims this node (placement leaves it out) */
export function nodeClaimedByOther(controller: ControllerCore, node: string, envId: string): boolean {
  return controller.claims.nodeClaimedByOther(node, envId) !== undefined;
}

function claimedError(controller: ControllerCore, what: string, envId: string, envName: string, creator: string, verb = 'is claimed by'): BatonError {
  const hold = controller.envs.get(envId)?.hold;
  const holder = hold?.holder ?? creator;
  const since = hold ? ` since ${formatSince(hold.sinceMs)}` : '';
  const env = envName && envName !== envId ? `${envId} (${envName})` : envId;
  return new BatonError('HELD', `${what} ${verb} environment ${env}, held by ${holder || 'nobody'}${since}`, {
    data: {
      holder,
      ...(hold ? { since: formatSince(hold.sinceMs), since_ms: String(hold.sinceMs) } : {}),
      env: envId,
      env_name: envName,
      resource: what,
    },
  });
}
