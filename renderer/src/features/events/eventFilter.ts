// The events timeline's filters: kind groups, errors only, environment, text, time span (a run's).
// Pure. The same filters go to the controller as a QueryEvents request (queryOf), and match the
// live tail in the browser (matchEvent): both say the same.
import type { Event, QueryEventsRequest } from '../../../../core/rpc/gen/control.js';
import { isFailureEvent } from '../../../../core/model/event-severity.js';

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
  return isFailureEvent(e);
}

/** the kind groups chosen, without 'error' (which is a severity: errors only, of those kinds) */
function kindGroupsOf(f: EventFilter): KindGroup[] {
  return f.groups.filter((g) => g !== 'error');
}

export function matchEvent(e: Event, f: EventFilter): boolean {
  const kinds = kindGroupsOf(f);
  if (kinds.length && !kinds.includes(kindGroup(e.kind))) return false;
  if (f.groups.includes('error') && !isErrorEvent(e)) return false;
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

/** The filter as a QueryEvents request (the controller's history), one page older than beforeSeq. */
export function queryOf(f: EventFilter, beforeSeq = 0, limit = 500): Partial<QueryEventsRequest> {
  return {
    kinds: kindGroupsOf(f).map((g) => (g === 'audit' ? 'audit' : `${g}.`)),
    severity: f.groups.includes('error') ? 'error' : '',
    envId: f.envId,
    text: f.text,
    sinceMs: f.fromMs ?? 0,
    untilMs: f.toMs ?? 0,
    beforeSeq,
    limit,
  };
}
