// The SQLite side of holds and the audit trail (tables: sqlite-schema.ts, HOLDS_MIGRATION and
// AUDIT_MIGRATION), kept apart from sqlite.ts: the Store methods they add, over the same database.
import type Database from 'better-sqlite3';
import type { AuditFilter, AuditRow, HoldRecord, Store } from './store.js';

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
  // one statement per shape of filter (at most 16), so that SQLite uses the index for the set
  // ones: a single statement with "(@user = '' OR user = @user)" scans the whole table
  const listings = new Map<string, Database.Statement>();
  const listing = (f: AuditFilter): Database.Statement => {
    const where: string[] = [];
    if (f.user) where.push('user = @user');
    if (f.envId) where.push('env_id = @envId');
    if (f.sinceMs) where.push('time_ms >= @sinceMs');
    if (f.untilMs) where.push('time_ms <= @untilMs');
    const key = where.join(' AND ');
    let st = listings.get(key);
    if (!st) {
      st = db.prepare(`SELECT * FROM audit ${key ? `WHERE ${key}` : ''} ORDER BY time_ms DESC, id DESC LIMIT @limit`);
      listings.set(key, st);
    }
    return st;
  };
  return {
    async appendAudit(row) {
      return Number(append.run(row).lastInsertRowid);
    },
    async listAudit(filter) {
      const params: Record<string, unknown> = { limit: filter.limit };
      if (filter.user) params.user = filter.user;
      if (filter.envId) params.envId = filter.envId;
      if (filter.sinceMs) params.sinceMs = filter.sinceMs;
      if (filter.untilMs) params.untilMs = filter.untilMs;
      const rows = listing(filter).all(params) as Row[];
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
