// The events timeline's filters: kind groups, environment, text. Pure.
import type { Event } from '../../../../core/rpc/gen/control.js';

export const KIND_GROUPS = ['env', 'task', 'run', 'node', 'hook', 'error'] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

export interface EventFilter { groups: readonly KindGroup[]; envId: string; text: string }

export function kindGroup(kind: string): KindGroup {
  const g = kind.split('.')[0] as KindGroup;
  return (KIND_GROUPS as readonly string[]).includes(g) ? g : 'error';
}

/** An event is an error when it is of kind error or carries an ErrorDetail or enters ERROR. */
export function isErrorEvent(e: Event): boolean {
  return e.kind === 'error' || Boolean(e.error?.code) || e.state === 'ERROR';
}

export function matchEvent(e: Event, f: EventFilter): boolean {
  if (f.groups.length) {
    const g = kindGroup(e.kind);
    if (!f.groups.includes(g) && !(f.groups.includes('error') && isErrorEvent(e))) return false;
  }
  if (f.envId && e.envId !== f.envId) return false;
  if (f.text) {
    const q = f.text.toLowerCase();
    const hay = `${e.kind} ${e.envId} ${e.taskId} ${e.node} ${e.state} ${e.transition} ${e.message} ${e.error?.message ?? ''} ${e.error?.taskName ?? ''}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

export function filterEvents(events: readonly Event[], f: EventFilter): Event[] {
  if (!f.groups.length && !f.envId && !f.text) return events.slice();
  return events.filter((e) => matchEvent(e, f));
}
