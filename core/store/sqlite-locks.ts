// The SQLite side of holds and the audit trail (tables: sqlite-schema.ts, HOLDS_MIGRATION and
// AUDIT_MIGRATION), kept apart from sqlite.ts: the Store methods they add, over the same database.
import type Database from 'better-sqlite3';
import type { AuditRow, HoldRecord, Store } from './store.js';

type Row = Record<string, unknown>;

export function sqliteHolds(db: Database.Database): Pick<Store, 'putHold' | 'deleteHold' | 'listHolds'> {
  const put = db.prepare(`INSERT INTO holds(env_id, holder, since_ms, reason) VALUES (@envId, @holder, @sinceMs, @reason)
    ON CONFLICT(env_id) DO UPDATE SET holder=excluded.holder, since_ms=excluded.since_ms, reason=excluded.reason`);
  const del = db.prepare(`DELETE FROM holds WHERE env_id = ?`);
  const list = db.prepare(`SELECT * FROM holds ORDER BY env_id`);
  return {
    async putHold(hold) {
      put.run(hold);
    },
    async deleteHold(envId) {
      del.run(envId);
    },
    async listHolds() {
      return (list.all() as Row[]).map(
        (r): HoldRecord => ({ envId: r.env_id as string, holder: r.holder as string, sinceMs: r.since_ms as number, reason: r.reason as string }),
      );
    },
  };
}

export function sqliteAudit(db: Database.Database): Pick<Store, 'appendAudit' | 'listAudit'> {
  const append = db.prepare(`INSERT INTO audit(time_ms, user, role, client, method, env_id, args, outcome, message)
    VALUES (@timeMs, @user, @role, @client, @method, @envId, @args, @outcome, @message)`);
  // one statement: an empty filter matches everything (the indexes still serve the set ones)
  const list = db.prepare(`SELECT * FROM audit
    WHERE (@user = '' OR user = @user) AND (@envId = '' OR env_id = @envId)
      AND time_ms >= @sinceMs AND (@untilMs = 0 OR time_ms <= @untilMs)
    ORDER BY time_ms DESC, id DESC LIMIT @limit`);
  return {
    async appendAudit(row) {
      return Number(append.run(row).lastInsertRowid);
    },
    async listAudit(filter) {
      const rows = list.all({
        user: filter.user ?? '',
        envId: filter.envId ?? '',
        sinceMs: filter.sinceMs ?? 0,
        untilMs: filter.untilMs ?? 0,
        limit: filter.limit,
      }) as Row[];
      return rows.map(
        (r): AuditRow => ({
          id: r.id as number,
          timeMs: r.time_ms as number,
          user: r.user as string,
          role: r.role as string,
          client: r.client as string,
          method: r.method as string,
          envId: r.env_id as string,
          args: r.args as string,
          outcome: r.outcome as string,
          message: r.message as string,
        }),
      );
    },
  };
}
