// QueryEvents: the stored events, newest first, filtered by kind, severity, environment, task,
// user, time and text, paged by seq; and the migration that gives events stored before it their
// severity and user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QueryEventsRequest, type QueryEventsReply } from '../../../core/rpc/gen/control.js';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { call, createEnv, getEnv, listTasks, mustControl, startStack, tempHome, waitFor } from './harness.js';
import type { ControlClient } from '../../../core/rpc/gen/control.js';

function query(c: ControlClient, req: Partial<QueryEventsRequest>): Promise<QueryEventsReply> {
  return call<QueryEventsRequest, QueryEventsReply>(c, 'queryEvents', QueryEventsRequest.fromPartial(req));
}

test('QueryEvents finds a killed task among later events, by severity, task, kind and text, page by page', async (t) => {
  const stack = await startStack({ realAgents: 1 });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  const beta = (await listTasks(c, env.id)).find((x) => x.name === 'beta')!;
  await call(c, 'killTask', { id: beta.id, signal: '' });
  await waitFor(async () => (await getEnv(c, env.id, false)).state === 'ERROR', 10_000, 'ERROR');
  // later, many ordinary events on another environment
  const other = await createEnv(c, 'quick');
  await mustControl(c, other.id, 'DEPLOY');
  await mustControl(c, other.id, 'CONFIGURE');
  await mustControl(c, other.id, 'RESET');

  const errors = await query(c, { severity: 'error' });
  assert.ok(errors.events.length > 0);
  assert.ok(
    errors.events.some((e) => e.taskId === beta.id),
    `the killed task among the errors: ${errors.events.map((e) => `${e.kind} ${e.taskId}`).join(', ')}`,
  );
  assert.ok(!errors.events.some((e) => e.envId === other.id), 'nothing of the healthy environment is an error');
  const seqs = errors.events.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => b - a),
    'newest first',
  );

  const ofTask = await query(c, { taskId: beta.id, kinds: ['task.exit'] });
  assert.ok(ofTask.events.length >= 1 && ofTask.events.every((e) => e.taskId === beta.id && e.kind === 'task.exit'));
  const byText = await query(c, { text: 'BETA', envId: env.id });
  assert.ok(byText.events.length > 0 && byText.events.every((e) => JSON.stringify(e).toLowerCase().includes('beta')));

  // paging: pages of 5, each older than the last, together every event of the environment once
  const all = await query(c, { envId: other.id, limit: 5000 });
  const paged: number[] = [];
  let before = 0;
  for (;;) {
    const page = await query(c, { envId: other.id, limit: 5, beforeSeq: before });
    paged.push(...page.events.map((e) => e.seq));
    if (!page.more) break;
    before = page.events[page.events.length - 1]!.seq;
  }
  assert.deepEqual(
    paged,
    all.events.map((e) => e.seq),
  );
  assert.ok(all.events.length > 5);

  // time range: nothing before the first event, everything up to now
  const first = all.events[all.events.length - 1]!;
  const inRange = await query(c, { envId: other.id, sinceMs: first.timeMs, untilMs: Date.now() + 1000, limit: 5000 });
  assert.equal(inRange.events.length, all.events.length);
  assert.equal((await query(c, { envId: other.id, untilMs: first.timeMs - 1 })).events.length, 0);

  // the user an audit record names
  const audits = await query(c, { kinds: ['audit'] });
  const user = audits.events[0]?.data.user;
  assert.ok(user, 'audit events name their user');
  const byUser = await query(c, { user });
  assert.ok(byUser.events.length > 0 && byUser.events.every((e) => Object.values(e.data).includes(user!)));
});

test('QueryEvents refuses a bad severity and an empty time range, naming the field', async (t) => {
  const stack = await startStack();
  t.after(() => stack.stop());
  await assert.rejects(query(stack.client, { severity: 'fatal' }), (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && /severity/.test(e.message));
  await assert.rejects(
    query(stack.client, { sinceMs: 2000, untilMs: 1000 }),
    (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && /time range/.test(e.message),
  );
});

test('events stored before the migration get their severity and user from their body', async () => {
  const home = tempHome();
  const file = path.join(home, 'baton.db');
  try {
    openSqliteStore(file).close();
    // the table as it was: no severity or user column
    const db = new Database(file);
    db.exec(`DROP INDEX events_errors; DROP INDEX events_named_user; ALTER TABLE events DROP COLUMN severity; ALTER TABLE events DROP COLUMN user;`);
    const insert = db.prepare(`INSERT INTO events(time_ms, kind, env_id, task_id, node, body) VALUES (?, ?, ?, ?, ?, ?)`);
    insert.run(1, 'task.exit', 'e1', 't1', 'n1', JSON.stringify({ kind: 'task.exit', state: 'ERROR', error: { code: 'TASK_FAILED', message: 'killed' } }));
    insert.run(2, 'env.state', 'e1', '', '', JSON.stringify({ kind: 'env.state', state: 'DEPLOYED' }));
    insert.run(3, 'env.hold', 'e1', '', '', JSON.stringify({ kind: 'env.hold', data: { action: 'take', holder: 'alice' } }));
    db.close();
    const store = openSqliteStore(file);
    const base = { kinds: [], severity: '', envId: '', taskId: '', user: '', sinceMs: 0, untilMs: 0, beforeSeq: 0, text: '', limit: 10 };
    const errors = await store.queryEvents({ ...base, severity: 'error' });
    assert.deepEqual(
      errors.map((e) => e.kind),
      ['task.exit'],
    );
    const alice = await store.queryEvents({ ...base, user: 'alice' });
    assert.deepEqual(
      alice.map((e) => e.kind),
      ['env.hold'],
    );
    await store.close();
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
