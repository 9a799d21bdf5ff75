// The audit trail: one record per mutating request, allowed or refused (the guard,
// server/guard.ts, calls recordAudit with the outcome). Stored in its own SQLite table (store:
// appendAudit; why a table of its own: sqlite-schema.ts, AUDIT_MIGRATION) and published on the
// event bus as an `audit` event, so consoles see it live.
import type { Caller } from '../auth/caller.js';
import { RULES, type Method } from '../auth/rules.js';
import type { ControllerCore } from '../core.js';
import { trimArgs } from './args.js';

export interface AuditEntry {
  method: string;
  caller: Caller;
  request: unknown;
  /** 'ok', or the error code the caller got */
  outcome: string;
  message?: string;
  /** the unary reply, or the last message of a stream (a ControlEnvironment's final progress) */
  reply?: unknown;
  /** when the request came (default: now) */
  startedMs?: number;
}

/** GetInfo -> GetInfo: the method as control.proto (and the console, and the CLI's audit) names it */
export function protoMethodName(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1);
}

export function recordAudit(controller: ControllerCore, entry: AuditEntry): void {
  const { outcome, message } = outcomeOf(entry);
  const row = {
    timeMs: entry.startedMs ?? Date.now(),
    user: entry.caller.user,
    role: entry.caller.role,
    client: entry.caller.client,
    method: protoMethodName(entry.method),
    envId: envIdOf(controller, entry),
    args: trimArgs(entry.request),
    outcome,
    message,
  };
  controller.store.appendAudit(row).catch((e) => console.error(`baton controller: storing an audit record failed: ${(e as Error).message}`));
  controller.emit({
    kind: 'audit',
    envId: row.envId,
    message: `${row.user} (${row.role}, ${row.client}) ${row.method}: ${outcome}${message ? `: ${message}` : ''}`,
    // started_ms: when the call began (the event is sent when it ends: a transition takes a while)
    data: { user: row.user, role: row.role, client: row.client, method: row.method, outcome, args: row.args, started_ms: String(row.timeMs) },
  });
}

/** A stream that ended fine may still carry a failure: ControlEnvironment's final progress. */
function outcomeOf(entry: AuditEntry): { outcome: string; message: string } {
  const final = entry.reply as { final?: boolean; ok?: boolean; error?: { code?: string; message?: string } } | undefined;
  if (entry.outcome === 'ok' && final?.final && final.ok === false) {
    return { outcome: final.error?.code || 'FAILED', message: final.error?.message ?? '' };
  }
  return { outcome: entry.outcome, message: entry.message ?? '' };
}

/** The environment a request acted on, when there is one. */
function envIdOf(controller: ControllerCore, entry: AuditEntry): string {
  const req = (entry.request ?? {}) as { id?: string; envId?: string };
  const rule = RULES[entry.method as Method];
  if (rule?.heldEnvironment) return rule.heldEnvironment(req as never) ?? '';
  switch (entry.method) {
    case 'createEnvironment':
      return (entry.reply as { id?: string } | undefined)?.id ?? '';
    case 'takeEnvironment':
    case 'releaseEnvironment':
      return req.id ?? '';
    case 'killTask':
      return controller.tasks.get(req.id ?? '')?.env.id ?? '';
    default:
      return req.envId ?? '';
  }
}
