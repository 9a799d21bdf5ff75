// What a sink sends for one event: the event as JSON with its seq (consumers de-duplicate on
// controller + seq) and, for NATS, the subject it goes to.
import type { BusEvent } from '../events/bus.js';

export interface SinkEvent {
  controller: string;
  seq: number;
  timeMs: number;
  kind: string;
  envId: string;
  taskId: string;
  node: string;
  state: string;
  transition: string;
  message: string;
  runNumber: number;
  error?: BusEvent['error'];
  data?: Record<string, string>;
}

export function sinkEvent(controller: string, e: BusEvent): SinkEvent {
  const out: SinkEvent = {
    controller,
    seq: e.seq,
    timeMs: e.timeMs,
    kind: e.kind,
    envId: e.envId,
    taskId: e.taskId,
    node: e.node,
    state: e.state,
    transition: e.transition,
    message: e.message,
    runNumber: e.runNumber,
  };
  if (e.error) out.error = e.error;
  if (e.data && Object.keys(e.data).length) out.data = e.data;
  return out;
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
