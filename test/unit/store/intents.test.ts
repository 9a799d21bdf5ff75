// Transition intents in the SQLite store: one per environment, kept across a reopen (that is the
// point: a controller killed -9 finds them), and the migration adds the table to an older file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { SCHEMA } from '../../../core/store/sqlite-schema.js';
import type { IntentRecord } from '../../../core/store/store.js';

function tmpDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-')), 'controller', 'baton.db');
}

const intent = (envId: string, extra: Partial<IntentRecord> = {}): IntentRecord => ({
  envId,
  transition: 'CONFIGURE',
  fromState: 'DEPLOYED',
  target: 'CONFIGURED',
  runNumber: null,
  startedMs: 10,
  deadlineMs: 30_010,
  ...extra,
});

test('intents survive a reopen, one per environment, and are deleted by id', async () => {
  const file = tmpDb();
  let store = openSqliteStore(file);
  await store.putIntent(intent('env-1'));
  await store.putIntent(intent('env-2', { transition: 'START_ACTIVITY', fromState: 'CONFIGURED', target: 'RUNNING', runNumber: 7, startedMs: 20 }));
  // the START step notes the run it opened: the same row, replaced
  await store.putIntent(intent('env-2', { transition: 'START_ACTIVITY', fromState: 'CONFIGURED', target: 'RUNNING', runNumber: 8, startedMs: 20 }));
  await store.close();
  store = openSqliteStore(file);
  assert.deepEqual(await store.listIntents(), [
    intent('env-1'),
    intent('env-2', { transition: 'START_ACTIVITY', fromState: 'CONFIGURED', target: 'RUNNING', runNumber: 8, startedMs: 20 }),
  ]);
  await store.deleteIntent('env-1');
  await store.deleteIntent('env-unknown');
  assert.deepEqual(
    (await store.listIntents()).map((x) => x.envId),
    ['env-2'],
  );
  await store.close();
});

test('a baton.db from before the intents migration opens, and gets the table', async () => {
  const file = tmpDb();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = new Database(file);
  old.exec(SCHEMA);
  old.prepare(`INSERT INTO meta(key, value) VALUES ('run_counter', '41')`).run();
  old.close();
  const store = openSqliteStore(file);
  assert.equal(await store.lastRunNumber(), 41, 'the old data is kept');
  assert.deepEqual(await store.listIntents(), []);
  await store.putIntent(intent('env-1'));
  assert.equal((await store.listIntents()).length, 1);
  await store.close();
});
