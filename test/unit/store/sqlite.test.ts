// The SQLite store: run counter monotonic across reopen, event seqs, batch upserts, vectors, packing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import type { EnvRecord, TaskRecord } from '../../../core/store/store.js';
import { decodeTaskState, taskStateCode } from '../../../core/store/task-states.js';

function tmpDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-')), 'controller', 'baton.db');
}

function env(id: string, extra: Partial<EnvRecord> = {}): EnvRecord {
  return {
    id,
    name: 'quick',
    workflow: 'quick',
    state: 'STANDBY',
    runNumber: null,
    owner: 'me',
    createdMs: 1,
    updatedMs: 1,
    vars: { a: '1' },
    repo: '/r',
    revision: '',
    expanded: { name: 'quick', tasks: [], root: { path: '', children: [] } },
    error: null,
    destroyed: false,
    ...extra,
  };
}

function task(id: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    envId: 'env-1',
    name: id.split('/')[1]!,
    state: 'STANDBY',
    node: 'n1',
    pid: 0,
    lost: false,
    exit: null,
    ports: {},
    logPath: '',
    host: '',
    error: null,
    addresses: {},
    ...extra,
  };
}

test('run numbers are unique and monotonic across reopen', async () => {
  const file = tmpDb();
  let s = openSqliteStore(file);
  assert.equal(await s.lastRunNumber(), 0);
  assert.equal(await s.nextRunNumber(), 1);
  assert.equal(await s.nextRunNumber(), 2);
  await s.close();
  s = openSqliteStore(file);
  assert.equal(await s.lastRunNumber(), 2);
  assert.equal(await s.nextRunNumber(), 3);
  // a run recorded with a higher number (imported history) is never reused
  await s.putRun({ runNumber: 10, envId: 'e', workflow: 'w', startedMs: 1, stoppedMs: 0, owner: '', state: 'open', tasks: 1 });
  assert.equal(await s.nextRunNumber(), 11);
  await s.close();
});

test('events get strictly increasing seqs, survive reopen, and read back filtered', async () => {
  const file = tmpDb();
  let s = openSqliteStore(file);
  const seqs = await s.appendEvents([
    { timeMs: 1, kind: 'env.created', envId: 'e1', taskId: '', node: '', body: { kind: 'env.created', n: 1 } },
    { timeMs: 2, kind: 'env.created', envId: 'e2', taskId: '', node: '', body: { kind: 'env.created', n: 2 } },
    { timeMs: 3, kind: 'task.state', envId: 'e1', taskId: 'e1/a', node: 'n', body: { kind: 'task.state', n: 3 } },
  ]);
  assert.deepEqual(seqs, [1, 2, 3]);
  assert.deepEqual(await s.appendEvents([]), []);
  await s.close();
  s = openSqliteStore(file);
  assert.equal(await s.lastEventSeq(), 3);
  const more = await s.appendEvents([{ timeMs: 4, kind: 'x', envId: '', taskId: '', node: '', body: null }]);
  assert.deepEqual(more, [4]);
  assert.deepEqual(
    (await s.readEvents(1)).map((e) => e.seq),
    [2, 3, 4],
  );
  assert.deepEqual(
    (await s.readEvents(0, { envId: 'e1' })).map((e) => (e.body as { n: number }).n),
    [1, 3],
  );
  assert.deepEqual(
    (await s.readEvents(0, { limit: 2 })).map((e) => e.seq),
    [1, 2],
  );
  await s.close();
});

test('environments: put, patch without the expanded workflow, destroyed hidden', async () => {
  const s = openSqliteStore(tmpDb());
  const big = {
    name: 'big',
    root: { path: '', name: 'big', kind: 'aggregator', enabled: true, critical: true, children: [] as unknown[] },
    tasks: [] as unknown[],
  };
  for (let i = 0; i < 50; i++) {
    big.tasks.push({ name: `t-${i}`, rolePath: `t-${i}`, className: 'c', env: {}, args: ['x'], sim: { delayMs: 0 } });
    big.root.children.push({ path: `t-${i}`, name: `t-${i}`, kind: 'task', enabled: true, critical: false, task: `t-${i}`, children: [] });
  }
  await s.putEnvironment(env('env-1', { expanded: big }));
  await s.putEnvironment(env('env-2'));
  await s.patchEnvironment('env-1', { state: 'RUNNING', runNumber: 7, error: { code: 'X', message: 'y' } });
  await s.patchEnvironment('env-none', { state: 'RUNNING' });
  const e1 = (await s.getEnvironment('env-1'))!;
  assert.equal(e1.state, 'RUNNING');
  assert.equal(e1.runNumber, 7);
  assert.deepEqual(e1.error, { code: 'X', message: 'y' });
  assert.deepEqual(e1.expanded, big, 'the expanded workflow round-trips (stored packed)');
  assert.deepEqual(e1.vars, { a: '1' });
  await s.patchEnvironment('env-2', { destroyed: true });
  assert.deepEqual(
    (await s.listEnvironments()).map((e) => e.id),
    ['env-1'],
  );
  assert.equal((await s.listEnvironments({ includeDestroyed: true })).length, 2);
  assert.equal(await s.getEnvironment('env-none'), null);
  await s.close();
});

test('tasks: batch upserts, state vectors and placement; deleteTasks removes all of them', async () => {
  const s = openSqliteStore(tmpDb());
  const many = Array.from({ length: 3000 }, (_, i) => task(`env-1/t-${i}`));
  await s.putTasks(many);
  await s.putTasks([
    task('env-1/t-1', {
      state: 'RUNNING',
      pid: 42,
      ports: { out: 20001 },
      addresses: { out: 'tcp://h:20001' },
      exit: { exited: true, code: 3 },
      error: { code: 'TASK_FAILED', message: 'm' },
    }),
  ]);
  const back = await s.listTasks('env-1');
  assert.equal(back.length, 3000);
  const t1 = back.find((t) => t.id === 'env-1/t-1')!;
  assert.equal(t1.state, 'RUNNING');
  assert.equal(t1.pid, 42);
  assert.deepEqual(t1.ports, { out: 20001 });
  assert.deepEqual(t1.addresses, { out: 'tcp://h:20001' });
  assert.deepEqual(t1.exit, { exited: true, code: 3 });
  assert.deepEqual(back.find((t) => t.id === 'env-1/t-2')!.ports, {});

  const vec = Buffer.from([taskStateCode('RUNNING', false), taskStateCode('ERROR', true), taskStateCode('weird', false)]).toString('latin1');
  await s.putTaskStateVector('env-1', vec);
  await s.putTaskPlacement('env-1', ['n1', 'n2', 'n1']);
  const v = (await s.getTaskStateVector('env-1'))!;
  assert.deepEqual(decodeTaskState(v, 0), { state: 'RUNNING', lost: false });
  assert.deepEqual(decodeTaskState(v, 1), { state: 'ERROR', lost: true });
  assert.equal(decodeTaskState(v, 2), null);
  assert.equal(decodeTaskState(v, 3), null);
  assert.deepEqual(await s.getTaskPlacement('env-1'), ['n1', 'n2', 'n1']);

  await s.deleteTasks('env-1');
  assert.deepEqual(await s.listTasks('env-1'), []);
  assert.equal(await s.getTaskStateVector('env-1'), null);
  assert.equal(await s.getTaskPlacement('env-1'), null);
  await s.close();
});

test('nodes and meta', async () => {
  const s = openSqliteStore(tmpDb());
  await s.putNode({ name: 'n1', address: 'unix:///a', labels: { zone: 'x' }, sim: false, addedMs: 5 });
  await s.putNode({ name: 'n1', address: 'unix:///b', labels: { zone: 'y' }, sim: true, addedMs: 9 });
  assert.deepEqual(await s.listNodes(), [{ name: 'n1', address: 'unix:///b', labels: { zone: 'y' }, sim: true, addedMs: 5 }]);
  await s.deleteNode('n1');
  assert.deepEqual(await s.listNodes(), []);
  assert.equal(await s.getMeta('k'), null);
  await s.setMeta('k', 'v');
  assert.equal(await s.getMeta('k'), 'v');
  assert.match(s.describe, /^sqlite:/);
  await s.close();
  await s.close(); // idempotent
});
