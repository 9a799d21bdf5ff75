// The run record in SQLite: an older baton.db (runs without the record's columns) opens with its
// runs intact and gains the columns; a run is opened whole and ended once; comments keep their
// order, user and time; the configuration snapshot and an environment's run type round-trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { INTENTS_MIGRATION, SCHEMA } from '../../../core/store/sqlite-schema.js';
import type { RunRecord } from '../../../core/store/store.js';

function tmpDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-')), 'controller', 'baton.db');
}

function run(n: number, extra: Partial<RunRecord> = {}): RunRecord {
  return { runNumber: n, envId: 'env-1', workflow: 'quick', startedMs: 1000, stoppedMs: 0, owner: 'op', state: 'open', tasks: 3, ...extra };
}

test('a baton.db from before the run record opens: old runs kept, new columns added, numbers go on', async () => {
  const file = tmpDb();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = new Database(file);
  old.exec(SCHEMA);
  old.exec(INTENTS_MIGRATION);
  old
    .prepare(
      `INSERT INTO runs(run_number, env_id, workflow, started_ms, stopped_ms, owner, state, tasks) VALUES (7, 'env-0', 'quick', 5, 9, 'op', 'closed', 3)`,
    )
    .run();
  old.close();
  const store = openSqliteStore(file);
  const kept = await store.getRun(7);
  assert.equal(kept?.state, 'closed');
  assert.equal(kept?.startedBy, '');
  assert.deepEqual(kept?.detectors, []);
  assert.equal(await store.nextRunNumber(), 8, 'the next number follows the stored runs');
  await store.close();
  // opening again (the columns are there now) changes nothing
  const again = openSqliteStore(file);
  assert.equal((await again.getRun(7))?.workflow, 'quick');
  await again.close();
});

test('a run is stored open with its record, ended once, and survives a reopen with comments and config', async () => {
  const file = tmpDb();
  const store = openSqliteStore(file);
  await store.putRun(run(1, { runType: 'PHYSICS', envName: 'Beam', detectors: ['ITS', 'TPC'], startedBy: 'alice' }));
  assert.equal(await store.endRun(2, { stoppedMs: 5, state: 'closed', tasks: 3, stoppedBy: 'bob', endReason: 'stopped by bob' }), false, 'no such run');
  assert.equal(await store.endRun(1, { stoppedMs: 2000, state: 'closed', tasks: 3, stoppedBy: 'bob', endReason: 'stopped by bob' }), true);
  await store.putRunConfig(1, {
    workflow: 'quick',
    file: 'workflows/quick.yaml',
    repo: '/r',
    revision: 'abc',
    vars: { a: '1' },
    varsInForce: { a: 1, b: 'x' },
    excludedRoles: ['gamma'],
    tasks: 3,
    hooks: 0,
    channels: 0,
  });
  await store.addRunComment({ runNumber: 1, user: 'carol', timeMs: 3000, text: 'first' });
  await store.addRunComment({ runNumber: 1, user: 'dave', timeMs: 2500, text: 'second' });
  await store.putEnvRunType('env-1', 'COSMICS');
  await store.close();

  const reopened = openSqliteStore(file);
  const r = await reopened.getRun(1);
  assert.deepEqual(
    { ...r },
    {
      ...run(1),
      stoppedMs: 2000,
      state: 'closed',
      runType: 'PHYSICS',
      envName: 'Beam',
      detectors: ['ITS', 'TPC'],
      startedBy: 'alice',
      stoppedBy: 'bob',
      endReason: 'stopped by bob',
    },
  );
  assert.deepEqual(
    (await reopened.listRunComments(1)).map((c) => [c.user, c.text, c.timeMs]),
    [
      ['carol', 'first', 3000],
      ['dave', 'second', 2500],
    ],
    'in the order they were added',
  );
  assert.deepEqual((await reopened.getRunConfig(1))?.excludedRoles, ['gamma']);
  assert.equal(await reopened.getRunConfig(2), null);
  assert.equal(await reopened.getEnvRunType('env-1'), 'COSMICS');
  assert.equal(await reopened.getEnvRunType('env-2'), '');
  await reopened.close();
});
