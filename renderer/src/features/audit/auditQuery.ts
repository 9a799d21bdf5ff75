// The Audit view's filters as they live in the URL (?user=&env=&since=&until=, times as the
// datetime-local inputs write them, in local time) and as ListAudit takes them; and a record's
// arguments as a short text (the take's reason stays readable).
import type { ListAuditRequest } from '../../../../core/rpc/gen/control.js';

export interface AuditFilter {
  user: string;
  env: string;
  /** datetime-local values (YYYY-MM-DDTHH:MM), '' for none */
  since: string;
  until: string;
}

export const AUDIT_LIMIT = 500;

export function filterFromQuery(q: URLSearchParams): AuditFilter {
  return { user: q.get('user') ?? '', env: q.get('env') ?? '', since: q.get('since') ?? '', until: q.get('until') ?? '' };
}

/** a datetime-local value (local time) as epoch ms; 0 for none or nonsense */
export function localTimeMs(value: string): number {
  if (!value) return 0;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : 0;
}

export function auditRequest(f: AuditFilter): ListAuditRequest {
  const untilMs = localTimeMs(f.until);
  // an until to the minute covers the whole of that minute
  return { user: f.user.trim(), envId: f.env.trim(), sinceMs: localTimeMs(f.since), untilMs: untilMs ? untilMs + 59_999 : 0, limit: AUDIT_LIMIT };
}

/** {"id":"env-1","reason":"off shift"} -> id: env-1 · reason: off shift (the environment column shows the id already) */
export function argsText(argsJson: string, envId: string): string {
  let args: unknown;
  try {
    args = JSON.parse(argsJson);
  } catch {
    return argsJson;
  }
  if (!args || typeof args !== 'object') return String(args ?? '');
  return Object.entries(args as Record<string, unknown>)
    .filter(([k, v]) => !((k === 'id' || k === 'envId') && v === envId))
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}
