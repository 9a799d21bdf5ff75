// What a sink sends for one event: the event as JSON with its seq (consumers de-duplicate on
// controller + seq) and, for NATS, the subject it goes to.
import type { BusEvent } from '../events/bus.js';

/** The event as the bus has it, and the controller that sent it (a delivered event is named by
 *  controller + seq); `error` and `data` only when there are some. */
export type SinkEvent = BusEvent & { controller: string };

export function sinkEvent(controller: string, e: BusEvent): SinkEvent {
  const { error, data, ...fields } = e;
  return { controller, ...fields, ...(error ? { error } : {}), ...(data && Object.keys(data).length ? { data } : {}) };
}

/** A subject token holds no '.', '*', '>' or white space: anything else becomes '_'. */
function token(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** <prefix>.<env>.<kind...>: the kind's own dots stay tokens (task.state -> ...task.state), so a
 *  consumer can take `<prefix>.*.task.>`; an event of no environment goes under `_`. */
export function subjectOf(prefix: string, e: BusEvent): string {
  const kind = e.kind.split('.').map(token).filter(Boolean).join('.') || '_';
  return `${prefix}.${e.envId ? token(e.envId) : '_'}.${kind}`;
}
