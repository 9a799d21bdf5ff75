// Holds and the audit trail in the SQLite store: kept across a reopen, the audit read newest first
// and filtered by user, environment and time; the migrations add the tables to an older file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { SCHEMA } from '../../../core/store/sqlite-schema.js';
import type { AuditRow } from '../../../core/store/store.js';

function tmpDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-')), 'controller', 'baton.db');
}

const row = (timeMs: number, user: string, envId: string, outcome = 'ok'): Omit<AuditRow, 'id'> => ({
  timeMs,
  user,
  role: 'shifter',
  client: 'cli',
  method: 'ControlEnvironment',
  envId,
  args: '{"transition":"DEPLOY"}',
  outcome,
  message: '',
});

test('holds are kept across a reopen; a deleted one is gone', async () => {
  const file = tmpDb();
  let store = openSqliteStore(file);
  await store.putHold({ envId: 'env-a', holder: 'alice', sinceMs: 10, reason: '' });
  await store.putHold({ envId: 'env-b', holder: 'bob', sinceMs: 20, reason: '' });
  await store.putHold({ envId: 'env-a', holder: 'erin', sinceMs: 30, reason: 'alice left' });
  await store.deleteHold('env-b');
  await store.close();
  store = openSqliteStore(file);
  assert.deepEqual(await store.listHolds(), [{ envId: 'env-a', holder: 'erin', sinceMs: 30, reason: 'alice left' }]);
  await store.close();
});

test('the audit trail: newest first, filtered by user, environment and time, kept across a reopen', async () => {
  const file = tmpDb();
  let store = openSqliteStore(file);
  await store.appendAudit(row(100, 'alice', 'env-a'));
  await store.appendAudit(row(200, 'bob', 'env-a', 'HELD'));
  await store.appendAudit(row(300, 'alice', 'env-b'));
  await store.appendAudit(row(150, 'erin', ''));
  await store.close();
  store = openSqliteStore(file);
  const times = async (f: Parameters<typeof store.listAudit>[0]) => (await store.listAudit(f)).map((r) => r.timeMs);
  assert.deepEqual(await times({ limit: 100 }), [300, 200, 150, 100]);
  assert.deepEqual(await times({ user: 'alice', limit: 100 }), [300, 100]);
  assert.deepEqual(await times({ envId: 'env-a', limit: 100 }), [200, 100]);
  assert.deepEqual(await times({ sinceMs: 150, untilMs: 200, limit: 100 }), [200, 150]);
  assert.deepEqual(await times({ user: 'alice', envId: 'env-a', sinceMs: 50, limit: 100 }), [100]);
  assert.deepEqual(await times({ limit: 2 }), [300, 200]);
  const [held] = await store.listAudit({ user: 'bob', limit: 1 });
  assert.deepEqual({ ...held, id: 0 }, { ...row(200, 'bob', 'env-a', 'HELD'), id: 0 });
  await store.close();
});

test('an older baton.db gets the holds and audit tables', async () => {
  const file = tmpDb();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = new Database(file);
  old.exec(SCHEMA);
  old.close();
  const store = openSqliteStore(file);
  await store.putHold({ envId: 'env-a', holder: 'alice', sinceMs: 1, reason: '' });
  await store.appendAudit(row(1, 'alice', 'env-a'));
  assert.equal((await store.listHolds()).length, 1);
  assert.equal((await store.listAudit({ limit: 10 })).length, 1);
  await store.close();
});
