// Agent-loss grace. An agent whose session breaks (killed and restarted, stopped for a while, a
// network hiccup) is SUSPECT, not down, for agentLossGraceMs: its tasks are unreachable (their
// state is the last one known, unconfirmed), the environments holding them stay in their state with
// their run open, shown degraded with the node named. A Hello within the grace that lists the same
// tasks brings everything back as it was (node.back); only after the grace are the tasks lost
// (faults.ts nodeDown: a critical one puts its environment in ERROR, as before).
import { BatonError } from '../../model/errors.js';
import type { EnvTransition } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { NodeRuntime } from '../nodes.js';
import { nodeDown } from '../faults.js';
import { clearSuspect, markUnreachable, unreachableNodes } from './unreachable.js';

/** The agentLossGraceMs option, checked before the controller starts (bad input changes nothing). */
export function checkAgentLossGrace(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 24 * 3600_000) {
    throw new BatonError('BAD_INPUT', `agent-loss grace ${JSON.stringify(ms)}: a whole number of milliseconds from 0 (tasks lost at once) to one day`, {
      where: 'agentLossGraceMs',
    });
  }
  return ms;
}

/** The environments with a launched (or launching) task on node. */
function envsOn(node: NodeRuntime): Set<EnvRuntime> {
  const envs = new Set<EnvRuntime>();
  for (const t of node.tasks) if ((t.launched || t.waitBatch) && !t.lost && !t.env.destroyed) envs.add(t.env);
  return envs;
}

/** The session of node broke (or it stopped heart-beating): SUSPECT for the grace, or down at
 *  once when the grace is 0. */
export function nodeSuspect(controller: ControllerCore, node: NodeRuntime, reason: string): void {
  const graceMs = controller.cfg.agentLossGraceMs;
  if (graceMs <= 0) return nodeDown(controller, node, reason);
  if (node.suspect || (!node.up && node.synced)) return;
  node.up = false;
  node.suspectSinceMs = Date.now();
  node.suspectReason = reason;
  controller.emit({
    kind: 'node.suspect',
    node: node.name,
    message: `node ${node.name} is unreachable (${reason}); its tasks are lost unless it is back within ${graceMs} ms`,
    // the agent's own loop delay at its last heartbeat: a busy agent rather than a dead one
    data: { reason, grace_ms: String(graceMs), loop_lag_ms: String(Math.round(node.loopLagMs)) },
  });
  // answers to batches in flight went down with the session: those transitions fail as before
  for (const { op, batch } of [...controller.batches.values()]) if (batch.node === node) op.nodeDown(node);
  for (const env of envsOn(node)) {
    const s = markUnreachable(env, node);
    controller.envTouched(env);
    controller.emit({
      kind: 'env.degraded',
      envId: env.id,
      node: node.name,
      state: env.state,
      message: `environment degraded: node ${node.name} is unreachable; its tasks are in an unknown state`,
      data: { degraded: 'true', nodes: [...s].sort().join(','), reason },
    });
  }
  node.graceTimer = setTimeout(() => {
    node.graceTimer = null;
    if (!node.suspect || controller.nodes.get(node.name) !== node) return;
    // nodeDown ends the SUSPECT state and loses the tasks
    nodeDown(controller, node, `${node.suspectReason}; not back within the agent-loss grace (${graceMs} ms)`);
  }, graceMs);
  node.graceTimer.unref();
}

/** The agent of a SUSPECT node said Hello within the grace (its tasks were re-synced by then). */
export function nodeBack(controller: ControllerCore, node: NodeRuntime, tasks: number): void {
  const since = node.suspectSinceMs;
  if (!since) return;
  const envs = clearSuspect(controller, node);
  controller.emit({
    kind: 'node.back',
    node: node.name,
    message: `node ${node.name} is back after ${Date.now() - since} ms with ${tasks} task(s)`,
    data: { away_ms: String(Date.now() - since), tasks: String(tasks) },
  });
  for (const env of envs) {
    const rest = unreachableNodes(env);
    controller.emit({
      kind: 'env.degraded',
      envId: env.id,
      node: node.name,
      state: env.state,
      message: rest.length ? `node ${node.name} is back; still unreachable: ${rest.join(', ')}` : `node ${node.name} is back; every task is reachable`,
      data: { degraded: String(rest.length > 0 || env.degraded), nodes: rest.join(',') },
    });
  }
}

/**
 * A transition of an environment with tasks on a SUSPECT node is refused (UNAVAILABLE, naming the
 * nodes) rather than waited for: the operator sees at once why, and may retry once the node is
 * back, or wait out the grace (the tasks are then lost and RECOVER relaunches them elsewhere).
 * GO_ERROR is always allowed: it is how an operator stops waiting.
 */
export function assertReachable(env: EnvRuntime, transition: EnvTransition): void {
  if (transition === 'GO_ERROR') return;
  const nodes = unreachableNodes(env);
  if (!nodes.length) return;
  throw new BatonError(
    'UNAVAILABLE',
    `${transition} of environment ${env.id} refused: node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')} ${nodes.length > 1 ? 'are' : 'is'} unreachable (within the agent-loss grace); retry when back, or GO_ERROR`,
    { envId: env.id, transition, node: nodes[0], data: { nodes: nodes.join(',') } },
  );
}
