// The events table's indexes (sqlite-schema.ts): every query the controller makes of stored events
// (QueryEvents' filters, the event stream's reads) is served by an index, as SQLite's own
// EXPLAIN QUERY PLAN says, with severity and user indexed only where they are set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { eventQuerySql, eventQueryWhere, READ_ENV_EVENTS_SQL, READ_EVENTS_SQL } from '../../../core/store/sqlite-events.js';
import type { EventQuery } from '../../../core/store/store.js';

const NO_FILTER: EventQuery = { kinds: [], severity: '', envId: '', taskId: '', user: '', sinceMs: 0, untilMs: 0, beforeSeq: 0, text: '', limit: 10 };

/** a store file with 3,000 events: four environments, 100 tasks, a few errors and named users */
async function storeWithEvents(): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-')), 'baton.db');
  const store = openSqliteStore(file);
  await store.appendEvents(
    Array.from({ length: 3000 }, (_, i) => ({
      timeMs: 1000 + i,
      kind: i % 3 ? 'task.exit' : 'env.state',
      envId: `e${i % 4}`,
      taskId: `e${i % 4}/t${i % 100}`,
      node: 'n1',
      body: { i },
      severity: i % 97 ? '' : 'error',
      user: i % 50 ? '' : 'alice',
    })),
  );
  await store.close();
  return file;
}

function plan(db: Database.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

test('each filter of QueryEvents and each read of the event stream uses an index', async () => {
  const file = await storeWithEvents();
  const db = new Database(file, { readonly: true });
  try {
    const expected: [string, Partial<EventQuery>, RegExp][] = [
      ['kind prefix', { kinds: ['task.'] }, /USING INDEX events_kind/],
      ['two kind prefixes', { kinds: ['task.', 'env.'] }, /MULTI-INDEX OR.*events_kind.*events_kind/],
      ['errors', { severity: 'error' }, /USING INDEX events_errors/],
      ['environment', { envId: 'e1' }, /USING INDEX events_env/],
      ['task', { taskId: 'e1/t1' }, /USING INDEX events_task/],
      ['user', { user: 'alice' }, /USING INDEX events_named_user/],
      ['time range', { sinceMs: 2000, untilMs: 2500 }, /USING INDEX events_time/],
      ['older than a seq', { beforeSeq: 100 }, /USING INTEGER PRIMARY KEY/],
      ['errors of an environment', { severity: 'error', envId: 'e1' }, /USING INDEX events_(env|errors)/],
      ['a page of an environment', { envId: 'e1', beforeSeq: 2000 }, /USING INDEX events_env \(env_id=\? AND seq<\?\)/],
    ];
    for (const [what, filters, index] of expected) {
      const { where, params } = eventQueryWhere({ ...NO_FILTER, ...filters });
      assert.match(plan(db, eventQuerySql(where), params), index, what);
    }
    assert.match(plan(db, READ_EVENTS_SQL, 0, 10), /USING INTEGER PRIMARY KEY \(rowid>\?\)/, 'the stream after a seq');
    assert.match(plan(db, READ_ENV_EVENTS_SQL, 0, 'e1', 10), /USING INDEX events_env \(env_id=\? AND seq>\?\)/, "an environment's stream after a seq");
  } finally {
    db.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('severity and user are indexed where set only; a file with their full indexes loses them on open', async () => {
  const file = await storeWithEvents();
  try {
    // a file of an older controller: full indexes on severity and user
    const old = new Database(file);
    old.exec(`CREATE INDEX events_severity ON events(severity, seq); CREATE INDEX events_user ON events(user, seq);`);
    old.close();
    const store = openSqliteStore(file);
    const errors = await store.queryEvents({ ...NO_FILTER, severity: 'error', limit: 100 });
    assert.deepEqual(
      errors.map((e) => (e.body as { i: number }).i),
      Array.from({ length: 31 }, (_, k) => 2910 - 97 * k),
    );
    const alice = await store.queryEvents({ ...NO_FILTER, user: 'alice', envId: 'e2', limit: 100 });
    assert.deepEqual(
      alice.map((e) => (e.body as { i: number }).i),
      Array.from({ length: 30 }, (_, k) => 2950 - 100 * k),
    );
    await store.close();
    const db = new Database(file, { readonly: true });
    const indexes = (
      db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'`).all() as { name: string; sql: string }[]
    ).map((r): [string, string] => [r.name, /WHERE (.*)$/.exec(r.sql)?.[1] ?? '']);
    db.close();
    assert.deepEqual(
      new Map(indexes),
      new Map([
        ['events_env', ''],
        ['events_kind', ''],
        ['events_task', ''],
        ['events_time', ''],
        ['events_errors', "severity = 'error'"],
        ['events_named_user', "user != ''"],
      ]),
    );
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
