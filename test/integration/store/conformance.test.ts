// One behaviour for every Store: the same cases run against SQLite (a temp file) and etcd (a real
// /usr/bin/etcd on free ports, stopped in teardown). A store passes when a controller could not
// tell which one it is talking to.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { openEtcdStore } from '../../../core/store/etcd.js';
import { parseEtcdUrl } from '../../../core/store/etcd-url.js';
import type { EnvRecord, RunSummaryRecord, Store, TaskRecord } from '../../../core/store/store.js';
import { startEtcd, type TestEtcd } from '../failover/etcd.js';

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

function task(envId: string, name: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: `${envId}/${name}`,
    envId,
    name,
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

/** A workflow whose JSON is well over one etcd request (and one chunk). */
function bigExpanded(tasks: number): unknown {
  return {
    name: 'big',
    root: { path: '', kind: 'group', children: [] },
    tasks: Array.from({ length: tasks }, (_, i) => ({ name: `t${i}`, rolePath: `t${i}`, cmd: `run ${i} ${'x'.repeat(i % 97)}` })),
  };
}

type Opener = () => Promise<Store>;

function conformance(kind: string, open: () => Opener) {
  describe(`Store conformance: ${kind}`, () => {
    test('environments: put, patch keeps the expanded workflow, list by creation, destroyed left out', async () => {
      const s = await open()();
      await s.putEnvironment(env('e2', { createdMs: 20 }));
      await s.putEnvironment(env('e1', { createdMs: 10, vars: { b: '2' } }));
      await s.patchEnvironment('e1', { state: 'RUNNING', runNumber: 7, error: { code: 'X', message: 'm' } });
      await s.patchEnvironment('nope', { state: 'RUNNING' });
      const e1 = await s.getEnvironment('e1');
      assert.equal(e1?.state, 'RUNNING');
      assert.equal(e1?.runNumber, 7);
      assert.deepEqual(e1?.vars, { b: '2' });
      assert.deepEqual(e1?.error, { code: 'X', message: 'm' });
      assert.deepEqual(e1?.expanded, env('e1').expanded);
      assert.equal(await s.getEnvironment('nope'), null);
      await s.patchEnvironment('e2', { destroyed: true });
      assert.deepEqual(
        (await s.listEnvironments()).map((e) => e.id),
        ['e1'],
      );
      assert.deepEqual(
        (await s.listEnvironments({ includeDestroyed: true })).map((e) => e.id),
        ['e1', 'e2'],
      );
      await s.close();
    });

    test('a large expanded workflow and placement round-trip, and a smaller one replaces them', async () => {
      const s = await open()();
      const big = bigExpanded(20_000);
      await s.putEnvironment(env('big', { expanded: big }));
      assert.deepEqual((await s.getEnvironment('big'))?.expanded, big);
      const nodes = Array.from({ length: 150_000 }, (_, i) => `node-${i % 500}`);
      await s.putTaskPlacement('big', nodes);
      assert.deepEqual(await s.getTaskPlacement('big'), nodes);
      await s.putEnvironment(env('big'));
      assert.deepEqual((await s.getEnvironment('big'))?.expanded, env('big').expanded);
      await s.close();
    });

    test('tasks: batch upsert, state vector, placement, delete clears all three', async () => {
      const s = await open()();
      const many = Array.from({ length: 450 }, (_, i) => task('ev', `t${i}`, { pid: i + 1 }));
      await s.putTasks(many);
      await s.putTasks([task('ev', 't0', { state: 'RUNNING', pid: 99, ports: { p: 1 }, exit: { code: 0 } })]);
      await s.putTasks([task('ev2', 'other')]);
      const listed = await s.listTasks('ev');
      assert.equal(listed.length, 450);
      const t0 = listed.find((t) => t.name === 't0')!;
      assert.equal(t0.pid, 99);
      assert.deepEqual(t0.ports, { p: 1 });
      assert.deepEqual(t0.exit, { code: 0 });
      assert.equal(await s.getTaskStateVector('ev'), null);
      await s.putTaskStateVector('ev', 'abc');
      await s.putTaskStateVector('ev', 'abd');
      assert.equal(await s.getTaskStateVector('ev'), 'abd');
      await s.putTaskPlacement('ev', ['n1', 'n2']);
      await s.deleteTasks('ev');
      assert.deepEqual(await s.listTasks('ev'), []);
      assert.equal(await s.getTaskStateVector('ev'), null);
      assert.equal(await s.getTaskPlacement('ev'), null);
      assert.equal((await s.listTasks('ev2')).length, 1);
      await s.close();
    });

    test('task exits: state, lost flag and exit written, the rest of the row kept; no row yet: written whole', async () => {
      const s = await open()();
      const launched = task('ex', 'a', {
        state: 'RUNNING',
        pid: 41,
        node: 'n2',
        ports: { out: 20001 },
        addresses: { out: 'tcp://h:20001' },
        logPath: '/logs/a.log',
        host: 'h',
        error: { code: 'TASK_FAILED', message: 'earlier' },
      });
      await s.putTasks([launched]);
      const exit = { exited: true, code: 0, signal: 'SIGTERM' };
      // the record handed in is whole (as the write-behind makes it); only the exit's fields may be written
      await s.putTaskExits([{ ...launched, state: 'DONE', lost: false, exit }, task('ex', 'b', { state: 'DONE', pid: 42, logPath: '/logs/b.log', exit })]);
      const rows = await s.listTasks('ex');
      const a = rows.find((t) => t.name === 'a')!;
      assert.deepEqual(a, { ...launched, state: 'DONE', exit });
      const b = rows.find((t) => t.name === 'b')!;
      assert.deepEqual(b, task('ex', 'b', { state: 'DONE', pid: 42, logPath: '/logs/b.log', exit }));
      await s.putTaskExits([]);
      await s.close();
    });

    test('run numbers: unique, monotonic across reopen, above any stored run', async () => {
      const opener = open();
      let s = await opener();
      assert.equal(await s.lastRunNumber(), 0);
      assert.equal(await s.nextRunNumber(), 1);
      assert.equal(await s.nextRunNumber(), 2);
      await s.close();
      s = await opener();
      assert.equal(await s.lastRunNumber(), 2);
      assert.equal(await s.nextRunNumber(), 3);
      await s.putRun({ runNumber: 10, envId: 'e', workflow: 'w', startedMs: 1, stoppedMs: 0, owner: 'o', state: 'open', tasks: 2 });
      assert.equal(await s.lastRunNumber(), 10);
      assert.equal(await s.nextRunNumber(), 11);
      const concurrent = await Promise.all(Array.from({ length: 20 }, () => s.nextRunNumber()));
      assert.equal(new Set(concurrent).size, 20);
      assert.deepEqual(
        [...concurrent].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => 12 + i),
      );
      await s.close();
    });

    test('runs: record, list newest first by env, end, config, comments, run types', async () => {
      const s = await open()();
      for (const [n, envId] of [
        [1, 'a'],
        [2, 'b'],
        [3, 'a'],
      ] as const) {
        await s.putRun({
          runNumber: n,
          envId,
          workflow: 'w',
          startedMs: n,
          stoppedMs: 0,
          owner: 'o',
          state: 'open',
          tasks: 1,
          runType: 'PHYSICS',
          detectors: ['TPC'],
          startedBy: 'ann',
        });
      }
      assert.deepEqual(
        (await s.listRuns()).map((r) => r.runNumber),
        [3, 2, 1],
      );
      assert.deepEqual(
        (await s.listRuns({ envId: 'a' })).map((r) => r.runNumber),
        [3, 1],
      );
      assert.deepEqual(
        (await s.listRuns({ limit: 1 })).map((r) => r.runNumber),
        [3],
      );
      assert.equal(await s.endRun(3, { stoppedMs: 9, state: 'closed', tasks: 1, stoppedBy: 'bob', endReason: 'stopped by bob' }), true);
      assert.equal(await s.endRun(99, { stoppedMs: 9, state: 'closed', tasks: 1, stoppedBy: 'bob', endReason: '' }), false);
      const r3 = await s.getRun(3);
      assert.equal(r3?.state, 'closed');
      assert.equal(r3?.stoppedBy, 'bob');
      assert.equal(r3?.startedBy, 'ann');
      assert.deepEqual(r3?.detectors, ['TPC']);
      assert.equal((await s.getRun(1))?.endReason, '');
      assert.equal(await s.getRun(42), null);
      const config = {
        workflow: 'w',
        file: 'f',
        repo: 'r',
        revision: 'v',
        vars: { a: '1' },
        varsInForce: { a: 1 },
        excludedRoles: [],
        tasks: 1,
        hooks: 0,
        channels: 0,
      };
      await s.putRunConfig(3, config);
      assert.deepEqual(await s.getRunConfig(3), config);
      assert.equal(await s.getRunConfig(2), null);
      await s.addRunComment({ runNumber: 3, user: 'ann', timeMs: 5, text: 'first' });
      await s.addRunComment({ runNumber: 3, user: 'bob', timeMs: 4, text: 'second' });
      await s.addRunComment({ runNumber: 2, user: 'bob', timeMs: 4, text: 'elsewhere' });
      assert.deepEqual(
        (await s.listRunComments(3)).map((c) => c.text),
        ['first', 'second'],
      );
      assert.equal(await s.getEnvRunType('a'), '');
      await s.putEnvRunType('a', 'COSMICS');
      assert.equal(await s.getEnvRunType('a'), 'COSMICS');
      await s.close();
    });

    test('intents, nodes, users, holds and meta: upsert, list, delete', async () => {
      const s = await open()();
      const intent = { envId: 'e', transition: 'START_ACTIVITY', fromState: 'CONFIGURED', target: 'RUNNING', runNumber: 4, startedMs: 2, deadlineMs: 9 };
      await s.putIntent({ ...intent, envId: 'f', startedMs: 1, runNumber: null });
      await s.putIntent(intent);
      await s.putIntent({ ...intent, deadlineMs: 10 });
      assert.deepEqual(await s.listIntents(), [
        { ...intent, envId: 'f', startedMs: 1, runNumber: null },
        { ...intent, deadlineMs: 10 },
      ]);
      await s.deleteIntent('f');
      assert.equal((await s.listIntents()).length, 1);

      await s.putNode({ name: 'b', address: 'x:1', labels: { rack: '1' }, sim: false, addedMs: 5 });
      await s.putNode({ name: 'a', address: 'x:2', labels: {}, sim: true, addedMs: 6 });
      await s.putNode({ name: 'b', address: 'x:3', labels: {}, sim: false, addedMs: 7 });
      assert.deepEqual(await s.listNodes(), [
        { name: 'a', address: 'x:2', labels: {}, sim: true, addedMs: 6 },
        { name: 'b', address: 'x:3', labels: {}, sim: false, addedMs: 5 },
      ]);
      await s.deleteNode('a');
      assert.deepEqual(
        (await s.listNodes()).map((n) => n.name),
        ['b'],
      );

      await s.putUser({ name: 'zed', role: 'observer', tokenHash: 'h1', createdMs: 1, tokenMs: 1 });
      await s.putUser({ name: 'ann', role: 'admin', tokenHash: 'h2', createdMs: 2, tokenMs: 2 });
      await s.putUser({ name: 'zed', role: 'shifter', tokenHash: 'h3', createdMs: 3, tokenMs: 3 });
      assert.deepEqual(await s.listUsers(), [
        { name: 'ann', role: 'admin', tokenHash: 'h2', createdMs: 2, tokenMs: 2 },
        { name: 'zed', role: 'shifter', tokenHash: 'h3', createdMs: 1, tokenMs: 3 },
      ]);
      await s.deleteUser('zed');
      assert.deepEqual(
        (await s.listUsers()).map((u) => u.name),
        ['ann'],
      );

      await s.putHold({ envId: 'e2', holder: 'ann', sinceMs: 1, reason: '' });
      await s.putHold({ envId: 'e1', holder: 'bob', sinceMs: 2, reason: 'shift' });
      await s.putHold({ envId: 'e2', holder: 'cat', sinceMs: 3, reason: 'took' });
      assert.deepEqual(await s.listHolds(), [
        { envId: 'e1', holder: 'bob', sinceMs: 2, reason: 'shift' },
        { envId: 'e2', holder: 'cat', sinceMs: 3, reason: 'took' },
      ]);
      await s.deleteHold('e1');
      assert.equal((await s.listHolds()).length, 1);

      assert.equal(await s.getMeta('k'), null);
      await s.setMeta('k', 'v1');
      await s.setMeta('k', 'v2');
      assert.equal(await s.getMeta('k'), 'v2');
      await s.close();
    });

    test('events: seqs strictly increasing, read after a seq by environment with a limit', async () => {
      const s = await open()();
      assert.equal(await s.lastEventSeq(), 0);
      assert.deepEqual(await s.appendEvents([]), []);
      const mk = (kind: string, envId: string) => ({ timeMs: 1, kind, envId, taskId: '', node: '', body: { kind, envId } });
      const first = await s.appendEvents([mk('a', 'e1'), mk('b', 'e2'), mk('c', 'e1')]);
      const more = await s.appendEvents(Array.from({ length: 250 }, (_, i) => mk(`m${i}`, 'e3')));
      assert.deepEqual(first, [1, 2, 3]);
      assert.equal(more[0], 4);
      assert.equal(more[249], 253);
      assert.equal(await s.lastEventSeq(), 253);
      assert.deepEqual(
        (await s.readEvents(0, { envId: 'e1' })).map((e) => e.kind),
        ['a', 'c'],
      );
      const after = await s.readEvents(1, { limit: 2 });
      assert.deepEqual(
        after.map((e) => [e.seq, e.kind]),
        [
          [2, 'b'],
          [3, 'c'],
        ],
      );
      assert.deepEqual(after[0]?.body, { kind: 'b', envId: 'e2' });
      assert.equal((await s.readEvents(3)).length, 250);
      await s.close();
    });

    test('event queries: newest first, filters by kind prefix, severity, env, user, time, text, paged by seq', async () => {
      const s = await open()();
      const mk = (kind: string, envId: string, timeMs: number, extra: { severity?: string; user?: string; text?: string } = {}) => ({
        timeMs,
        kind,
        envId,
        taskId: envId ? `${envId}/t` : '',
        node: '',
        severity: extra.severity ?? '',
        user: extra.user ?? '',
        body: { kind, envId, message: extra.text ?? '' },
      });
      await s.appendEvents([
        mk('task.state', 'e1', 10),
        mk('task.exit', 'e1', 20, { severity: 'error', text: 'Killed by SIGKILL' }),
        mk('env.hold', 'e2', 30, { user: 'ann' }),
        mk('task.state', 'e2', 40),
        mk('run.stop', 'e1', 50, { severity: 'error', user: 'bob' }),
      ]);
      const q = { kinds: [] as string[], severity: '', envId: '', taskId: '', user: '', sinceMs: 0, untilMs: 0, beforeSeq: 0, text: '', limit: 100 };
      const seqs = async (over: Partial<typeof q>) => (await s.queryEvents({ ...q, ...over })).map((e) => e.seq);
      assert.deepEqual(await seqs({}), [5, 4, 3, 2, 1]);
      assert.deepEqual(await seqs({ kinds: ['task.'] }), [4, 2, 1]);
      assert.deepEqual(await seqs({ severity: 'error' }), [5, 2]);
      assert.deepEqual(await seqs({ envId: 'e2' }), [4, 3]);
      assert.deepEqual(await seqs({ taskId: 'e1/t' }), [5, 2, 1]);
      assert.deepEqual(await seqs({ user: 'ann' }), [3]);
      assert.deepEqual(await seqs({ sinceMs: 20, untilMs: 40 }), [4, 3, 2]);
      assert.deepEqual(await seqs({ text: 'sigkill' }), [2]);
      assert.deepEqual(await seqs({ beforeSeq: 4, limit: 2 }), [3, 2]);
      assert.deepEqual(await seqs({ kinds: ['task.'], beforeSeq: 2 }), [1]);
      await s.close();
    });

    test('run summaries: put, replace, get; none for an unknown run', async () => {
      const s = await open()();
      assert.equal(await s.getRunSummary(3), null);
      const summary: RunSummaryRecord = {
        durationMs: 1000,
        channels: [{ from: 'readout-0', to: 'builder', type: 'push', messages: 10, bytes: 100, msgRate: 10, byteRate: 100 }],
        restarts: [{ task: 'gamma', restarts: 1 }],
        restartsTotal: 1,
        aggregated: false,
        countedFrom: 'run start',
      };
      await s.putRunSummary(3, summary);
      await s.putRunSummary(3, { ...summary, durationMs: 2000 });
      assert.deepEqual(await s.getRunSummary(3), { ...summary, durationMs: 2000 });
      await s.close();
    });

    test('audit: ids increasing, filters, newest first, limit', async () => {
      const s = await open()();
      const row = (user: string, envId: string, timeMs: number) => ({
        timeMs,
        user,
        role: 'admin',
        client: 'cli',
        method: 'M',
        envId,
        args: '{}',
        outcome: 'ok',
        message: '',
      });
      const ids = [await s.appendAudit(row('ann', 'e1', 10)), await s.appendAudit(row('bob', 'e1', 20)), await s.appendAudit(row('ann', 'e2', 30))];
      assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!);
      assert.deepEqual(
        (await s.listAudit({ limit: 10 })).map((r) => r.timeMs),
        [30, 20, 10],
      );
      assert.deepEqual(
        (await s.listAudit({ user: 'ann', limit: 10 })).map((r) => r.envId),
        ['e2', 'e1'],
      );
      assert.deepEqual(
        (await s.listAudit({ envId: 'e1', sinceMs: 15, limit: 10 })).map((r) => r.user),
        ['bob'],
      );
      assert.deepEqual(
        (await s.listAudit({ untilMs: 20, limit: 1 })).map((r) => r.timeMs),
        [20],
      );
      await s.close();
    });
  });
}

conformance('sqlite', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-conf-')), 'baton.db');
  return async () => openSqliteStore(file);
});

let etcd: TestEtcd | undefined;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});
conformance('etcd', () => {
  // a prefix per case: one etcd, stores that do not see each other
  let url = '';
  return async () => {
    url ||= etcd!.storeUrl();
    return openEtcdStore(parseEtcdUrl(url));
  };
});
