// baton audit [--user U] [--env E] [--since T] [--until T]: the audit trail, newest first. Every
// mutating request (allowed or refused) with who, through what, the arguments and the outcome.
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import type { AuditRecord } from '../../rpc/gen/control.js';
import { parseCount, parseDuration } from '../args.js';
import { withControl } from '../context.js';
import { fmtTime, isJsonMode, out, printJson, table, withJson } from '../output.js';

/**
 * A point in time: a duration back from now (30m, 2h), or a date and time (2026-12-02,
 * "2026-12-02 14:00", 2026-12-02T14:00:00Z; local time unless it names a zone).
 */
export function parseTimeFlag(s: string, flag: string, now = Date.now()): number {
  const text = s.trim();
  if (/^\d+(\.\d+)?(ms|s|m|h)$/.test(text)) return now - parseDuration(text, flag);
  if (/^\d+(\.\d+)?d$/.test(text)) return now - Math.round(Number(text.slice(0, -1)) * 86_400_000);
  const ms = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(s)}: expected a time such as 2h (ago), 3d, 2026-12-02 or "2026-12-02 14:00"`, { where: flag });
  }
  return ms;
}

function auditJson(r: AuditRecord) {
  let args: unknown = r.argsJson;
  try {
    args = JSON.parse(r.argsJson);
  } catch {
    /* kept as text */
  }
  return {
    id: r.id,
    timeMs: r.timeMs,
    user: r.user,
    role: r.role,
    client: r.client,
    method: r.method,
    envId: r.envId,
    args,
    outcome: r.outcome,
    message: r.message,
  };
}

export function register(program: Command): void {
  withJson(
    program
      .command('audit')
      .description('the audit trail: every request that changes something (allowed or refused), newest first')
      .option('--user <name>', "only this user's requests")
      .option('--env <id>', 'only requests on this environment')
      .option('--since <time>', 'from this time: 2h (ago), 3d, 2026-12-02, "2026-12-02 14:00"')
      .option('--until <time>', 'up to this time (same forms)')
      .option('--limit <n>', 'at most N records', '200'),
  ).action(async (o: { user?: string; env?: string; since?: string; until?: string; limit: string }, cmd: Command) => {
    const sinceMs = o.since ? parseTimeFlag(o.since, '--since') : 0;
    const untilMs = o.until ? parseTimeFlag(o.until, '--until') : 0;
    const limit = parseCount(o.limit, '--limit', 1);
    await withControl(cmd, async (c) => {
      const records = (await c.call('listAudit', { user: o.user ?? '', envId: o.env ?? '', sinceMs, untilMs, limit })).records;
      if (isJsonMode()) return printJson(records.map(auditJson));
      if (!records.length) return out('no audit records match');
      out(
        table(
          ['TIME', 'USER', 'ROLE', 'CLIENT', 'METHOD', 'ENV', 'OUTCOME', 'ARGS / MESSAGE'],
          records.map((r) => [
            fmtTime(r.timeMs),
            r.user,
            r.role,
            r.client,
            r.method,
            r.envId || '-',
            r.outcome,
            `${r.argsJson === '{}' ? '' : r.argsJson}${r.message ? `${r.argsJson === '{}' ? '' : '  '}${r.message}` : ''}`,
          ]),
        ),
      );
    });
  });
}
