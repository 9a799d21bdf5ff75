// Run summaries in SQLite: a baton.db from before summaries opens and gains the table (its runs
// have none), a summary written once reads back whole, and survives reopening the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { INTENTS_MIGRATION, SCHEMA } from '../../../core/store/sqlite-schema.js';
import type { RunSummaryRecord } from '../../../core/store/store.js';

const SUMMARY: RunSummaryRecord = {
  durationMs: 60_000,
  channels: [{ from: 'readout-*:out', to: 'builder:in', type: 'push', messages: 120_000, bytes: 122_880_000, msgRate: 2000, byteRate: 2_048_000 }],
  restarts: [{ task: 'qc', restarts: 2 }],
  restartsTotal: 2,
  aggregated: true,
  countedFrom: 'run start',
};

test('an older baton.db gains the run_summaries table; a summary round-trips and outlives a reopen', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-'));
  const file = path.join(dir, 'baton.db');
  const old = new Database(file);
  old.exec(SCHEMA);
  old.exec(INTENTS_MIGRATION);
  old
    .prepare(
      `INSERT INTO runs(run_number, env_id, workflow, started_ms, stopped_ms, owner, state, tasks) VALUES (7, 'env-0', 'quick', 5, 9, 'op', 'closed', 3)`,
    )
    .run();
  old.close();

  let store = openSqliteStore(file);
  assert.equal(await store.getRunSummary(7), null, 'a run from before summaries has none');
  await store.putRunSummary(8, SUMMARY);
  assert.deepEqual(await store.getRunSummary(8), SUMMARY);
  await store.close();

  store = openSqliteStore(file);
  assert.deepEqual(await store.getRunSummary(8), SUMMARY);
  assert.equal((await store.getRun(7))?.state, 'closed', 'the old run is intact');
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
