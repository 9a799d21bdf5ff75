// The event-query side of the SQLite store (sqlite-schema.ts, EVENT_QUERY_MIGRATION): the
// severity and user columns, their one-time backfill, and QueryEvents' filtered, paged reads.
// Kept apart from sqlite.ts, which spreads queryEvents into its Store.
import type Database from 'better-sqlite3';
import type { EventQuery, EventRecord, Store } from './store.js';
import { EVENT_QUERY_COLUMNS, EVENT_QUERY_MIGRATION, EVENT_RARE_INDEX_MIGRATION } from './sqlite-schema.js';

type Row = Record<string, unknown>;

/**
 * The rows stored before the columns existed get them from their JSON body, with the rules of
 * core/model/event-severity.ts written in SQL (once: only when the columns are added).
 */
const BACKFILL = `
UPDATE events SET
  severity = CASE WHEN kind IN ('error', 'task.lost', 'node.down')
      OR json_extract(body, '$.error.code') IS NOT NULL AND json_extract(body, '$.error.code') != ''
      OR (kind IN ('env.state', 'task.state', 'task.exit') AND json_extract(body, '$.state') = 'ERROR')
      OR (kind = 'run.stop' AND json_extract(body, '$.data.run_state') = 'aborted')
      OR (kind = 'env.transition' AND json_extract(body, '$.data.phase') = 'end' AND json_extract(body, '$.data.ok') = 'false')
    THEN 'error' ELSE '' END,
  user = COALESCE(NULLIF(json_extract(body, '$.data.user'), ''), NULLIF(json_extract(body, '$.data.holder'), ''),
    NULLIF(json_extract(body, '$.data.started_by'), ''), NULLIF(json_extract(body, '$.data.stopped_by'), ''),
    NULLIF(json_extract(body, '$.data.by'), ''), '')
`;

export function migrateEventQueries(db: Database.Database): void {
  let added = false;
  for (const [table, column, declaration] of EVENT_QUERY_COLUMNS) {
    const present = (db.prepare(`PRAGMA table_info(${table})`).all() as Row[]).some((c) => c.name === column);
    if (!present) {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${declaration}`);
      added = true;
    }
  }
  if (added) db.exec(BACKFILL);
  db.exec(EVENT_QUERY_MIGRATION);
  db.exec(EVENT_RARE_INDEX_MIGRATION);
}

/** `x LIKE pattern ESCAPE '\'` matching the text anywhere */
function likeAnywhere(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The event stream's reads (sqlite.ts readEvents): after a seq, of every environment or of one. */
export const READ_EVENTS_SQL = `SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?`;
export const READ_ENV_EVENTS_SQL = `SELECT * FROM events WHERE seq > ? AND env_id = ? ORDER BY seq LIMIT ?`;

/** A query's filters as SQL: `where` is the same for every query of the same shape. */
export function eventQueryWhere(q: EventQuery): { where: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: q.limit };
  const kinds = q.kinds.filter(Boolean);
  if (kinds.length) {
    // a prefix as a range, which the kind index serves (LIKE would scan)
    where.push(`(${kinds.map((_, i) => `(kind >= @k${i} AND kind < @k${i}end)`).join(' OR ')})`);
    kinds.forEach((k, i) => {
      params[`k${i}`] = k;
      params[`k${i}end`] = `${k}\uffff`;
    });
  }
  if (q.severity === 'error') {
    // as written in the partial index events_errors (a bound value would not let SQLite use it)
    where.push(`severity = 'error'`);
  } else if (q.severity) {
    where.push('severity = @severity');
    params.severity = q.severity;
  }
  if (q.envId) {
    where.push('env_id = @envId');
    params.envId = q.envId;
  }
  if (q.taskId) {
    where.push('task_id = @taskId');
    params.taskId = q.taskId;
  }
  if (q.user) {
    // the condition of the partial index events_named_user, implied by a user that is set
    where.push(`user = @user AND user != ''`);
    params.user = q.user;
  }
  if (q.sinceMs) {
    where.push('time_ms >= @sinceMs');
    params.sinceMs = q.sinceMs;
  }
  if (q.untilMs) {
    where.push('time_ms <= @untilMs');
    params.untilMs = q.untilMs;
  }
  if (q.beforeSeq) {
    where.push('seq < @beforeSeq');
    params.beforeSeq = q.beforeSeq;
  }
  if (q.text) {
    where.push(`body LIKE @text ESCAPE '\\'`);
    params.text = likeAnywhere(q.text);
  }
  return { where: where.join(' AND '), params };
}

/** QueryEvents' statement for a shape of query (eventQueryWhere), newest first. */
export function eventQuerySql(where: string): string {
  return `SELECT seq, time_ms, kind, env_id, task_id, node, body FROM events ${where ? `WHERE ${where}` : ''} ORDER BY seq DESC LIMIT @limit`;
}

export function sqliteEventQueries(db: Database.Database): Pick<Store, 'queryEvents'> {
  // one statement per shape of query, so that SQLite picks the index of the filters given
  const statements = new Map<string, Database.Statement>();
  return {
    async queryEvents(q: EventQuery): Promise<EventRecord[]> {
      const { where, params } = eventQueryWhere(q);
      let st = statements.get(where);
      if (!st) {
        st = db.prepare(eventQuerySql(where));
        statements.set(where, st);
      }
      return (st.all(params) as Row[]).map((r) => ({
        seq: r.seq as number,
        timeMs: r.time_ms as number,
        kind: r.kind as string,
        envId: r.env_id as string,
        taskId: r.task_id as string,
        node: r.node as string,
        body: typeof r.body === 'string' && r.body ? JSON.parse(r.body) : null,
      }));
    },
  };
}
