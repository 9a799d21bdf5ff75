// The events timeline's filters: kind groups, environment, text, time span (a run's). Pure.
import type { Event } from '../../../../core/rpc/gen/control.js';

export const KIND_GROUPS = ['env', 'task', 'run', 'node', 'hook', 'audit', 'error'] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

export interface EventFilter {
  groups: readonly KindGroup[];
  envId: string;
  text: string;
  /** only events at or after this time (ms since the epoch; 0: no bound) */
  fromMs?: number;
  /** only events at or before this time (0: no bound) */
  toMs?: number;
}

export function kindGroup(kind: string): KindGroup {
  const g = kind.split('.')[0] as KindGroup;
  return (KIND_GROUPS as readonly string[]).includes(g) ? g : 'error';
}

/**
 * A failure: an error event, a lost task or node, anything carrying an ErrorDetail, a state change
 * into ERROR, a transition that ended badly. (Not every event emitted while in ERROR.)
 */
export function isErrorEvent(e: Event): boolean {
  if (e.kind === 'error' || e.kind === 'task.lost' || e.kind === 'node.down') return true;
  if (e.error?.code) return true;
  if ((e.kind === 'env.state' || e.kind === 'task.state' || e.kind === 'task.exit') && e.state === 'ERROR') return true;
  return e.kind === 'env.transition' && e.data.phase === 'end' && e.data.ok === 'false';
}

export function matchEvent(e: Event, f: EventFilter): boolean {
  if (f.groups.length) {
    const g = kindGroup(e.kind);
    if (!f.groups.includes(g) && !(f.groups.includes('error') && isErrorEvent(e))) return false;
  }
  if (f.envId && e.envId !== f.envId) return false;
  if (f.fromMs && e.timeMs < f.fromMs) return false;
  if (f.toMs && e.timeMs > f.toMs) return false;
  if (f.text) {
    const q = f.text.toLowerCase();
    const hay =
      `${e.kind} ${e.envId} ${e.taskId} ${e.node} ${e.state} ${e.transition} ${e.message} ${e.error?.message ?? ''} ${e.error?.taskName ?? ''}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

export function filterEvents(events: readonly Event[], f: EventFilter): Event[] {
  if (!f.groups.length && !f.envId && !f.text && !f.fromMs && !f.toMs) return events.slice();
  return events.filter((e) => matchEvent(e, f));
}
