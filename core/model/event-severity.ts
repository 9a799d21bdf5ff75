// What makes an event a failure, and which user it names: one definition for the controller,
// which stores both with every event so that history can be queried by them
// (core/controller/events/query.ts), and for the console, which marks and counts the same ones.

export type EventSeverity = '' | 'error';

/** The fields of an event (stored or on the wire) these rules read. */
export interface SeverityInput {
  kind: string;
  state?: string;
  error?: { code?: string } | null;
  data?: Record<string, string> | null;
}

/**
 * A failure: an error event, a lost task or node, anything carrying an ErrorDetail, a state change
 * into ERROR, a transition that ended badly, a run that was aborted. (Not every event emitted
 * while in ERROR.)
 */
export function isFailureEvent(e: SeverityInput): boolean {
  if (e.kind === 'error' || e.kind === 'task.lost' || e.kind === 'node.down') return true;
  if (e.error?.code) return true;
  if ((e.kind === 'env.state' || e.kind === 'task.state' || e.kind === 'task.exit') && e.state === 'ERROR') return true;
  if (e.kind === 'run.stop' && e.data?.run_state === 'aborted') return true;
  return e.kind === 'env.transition' && e.data?.phase === 'end' && e.data?.ok === 'false';
}

export function eventSeverity(e: SeverityInput): EventSeverity {
  return isFailureEvent(e) ? 'error' : '';
}

/** The user an event names (who made the request, holds, started, stopped or commented). */
export function eventUser(e: SeverityInput): string {
  const d = e.data;
  if (!d) return '';
  return d.user || d.holder || d.started_by || d.stopped_by || d.by || '';
}
