// Whether a node takes new placements, and which environments still use it. Cordon and drain
// both leave a node out of placement; neither moves anything: a drained node is "draining" while
// environments still hold tasks on it and "drained" once none do.
import type { NodeRuntime } from '../nodes.js';

export type ScheduleState = 'ready' | 'cordoned' | 'draining' | 'drained';

/** The environments (ids, sorted) with tasks placed on the node. */
export function environmentsUsing(node: NodeRuntime): string[] {
  const ids = new Set<string>();
  for (const t of node.tasks) ids.add(t.env.id);
  return [...ids].sort();
}

export function scheduleState(node: NodeRuntime): ScheduleState {
  if (node.drained) return node.tasks.size ? 'draining' : 'drained';
  return node.cordoned ? 'cordoned' : 'ready';
}

/** takes new placements */
export function schedulable(node: NodeRuntime): boolean {
  return !node.cordoned && !node.drained;
}

/** Why the up nodes left out of placement were, for a PLACEMENT error ('' when none was). */
export function leftOutReason(nodes: readonly NodeRuntime[]): string {
  const out = nodes.filter((n) => n.up && !schedulable(n));
  if (!out.length) return '';
  const names = (state: ScheduleState) =>
    out
      .filter((n) => scheduleState(n) === state)
      .map((n) => n.name)
      .join(', ');
  const parts: string[] = [];
  for (const state of ['cordoned', 'draining', 'drained'] as const) {
    const list = names(state);
    if (list) parts.push(`${state}: ${list}`);
  }
  return `${out.length} up node(s) take no new placements (${parts.join('; ')}; \`baton node uncordon\` returns one)`;
}

/** Names the known nodes that are not up (suspect within their grace, or down): a placement that
 *  fails while one is away usually waits for it, not for a new machine. At most 5 are named. */
export function awayReason(nodes: readonly NodeRuntime[]): string {
  const away = nodes.filter((n) => !n.up || n.suspect);
  if (!away.length) return '';
  const named = away.slice(0, 5).map((n) => `${n.name} (${n.suspect ? 'suspect: its agent is unreachable' : 'down'})`);
  const more = away.length > named.length ? ` and ${away.length - named.length} more` : '';
  return `${away.length} known node(s) are not up: ${named.join(', ')}${more}`;
}
