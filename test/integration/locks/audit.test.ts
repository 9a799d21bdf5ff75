// The audit trail on a real controller: every mutating request, allowed or refused, is a record
// with user, role, client, method, environment, trimmed arguments, outcome and message; a
// transition that fails is recorded with its error; reads are not recorded; ListAudit filters by
// user, environment and time; each record is also an `audit` event on the bus.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecord, ControlClient, ListAuditReply } from '../../../core/rpc/gen/control.js';
import { call, control, mustControl, subscribe, waitFor } from '../controller/harness.js';
import { startUsersStack, type UsersStack, createAs, refused } from './users.js';

const create = createAs;

describe('audit trail', { timeout: 120_000 }, () => {
  let s: UsersStack;
  let alice: ControlClient;
  let bob: ControlClient;
  let olga: ControlClient;
  let envId = '';
  let failedId = '';
  const list = (c: ControlClient, filter: { user?: string; envId?: string; sinceMs?: number; untilMs?: number } = {}) =>
    call<unknown, ListAuditReply>(c, 'listAudit', { user: '', envId: '', sinceMs: 0, untilMs: 0, limit: 0, ...filter }).then((r) => r.records);

  before(async () => {
    s = await startUsersStack();
    alice = s.as('alice', 'cli');
    bob = s.as('bob', 'console');
    olga = s.as('olga');
  });
  after(() => s?.stop());

  it('records allowed and refused requests with who, through what, and the outcome', async () => {
    const events = subscribe(olga, { kinds: ['audit'] });
    const env = await create(alice, 'plain', { note: 'x'.repeat(10_000) });
    envId = env.id;
    await mustControl(alice, envId, 'DEPLOY');
    await refused(control(bob, envId, 'CONFIGURE'));
    await refused(create(olga, 'plain'));
    await call(alice, 'getEnvironment', { id: envId, withTasks: false, withTree: false });
    const failing = await create(alice, 'plain', { fail_rate: '1' });
    failedId = failing.id;
    await mustControl(alice, failedId, 'DEPLOY');
    const final = (await control(alice, failedId, 'CONFIGURE')).at(-1)!;
    assert.equal(final.ok, false, 'CONFIGURE fails with fail_rate 1');

    const records = await list(olga);
    const find = (pred: (r: AuditRecord) => boolean, what: string) => {
      const r = records.find(pred);
      assert.ok(r, `${what} in ${JSON.stringify(records, null, 1)}`);
      return r;
    };
    const created = find((r) => r.method === 'CreateEnvironment' && r.envId === envId, 'the create');
    assert.deepEqual([created.user, created.role, created.client, created.outcome], ['alice', 'shifter', 'cli', 'ok']);
    assert.ok(created.argsJson.length < 1000, `args trimmed: ${created.argsJson.length} bytes`);
    assert.match(created.argsJson, /"workflow":"plain"/);
    assert.match(created.argsJson, /x… \(10000 bytes\)/);
    const deploy = find((r) => r.method === 'ControlEnvironment' && r.envId === envId && r.user === 'alice', 'the DEPLOY');
    assert.equal(deploy.outcome, 'ok');
    assert.match(deploy.argsJson, /"transition":"DEPLOY"/);
    const held = find((r) => r.user === 'bob', "bob's refused CONFIGURE");
    assert.deepEqual([held.method, held.role, held.client, held.envId, held.outcome], ['ControlEnvironment', 'shifter', 'console', envId, 'HELD']);
    assert.match(held.message, /held by alice/);
    const denied = find((r) => r.user === 'olga', "olga's refused create");
    assert.deepEqual([denied.method, denied.role, denied.client, denied.outcome], ['CreateEnvironment', 'observer', 'api', 'PERMISSION_DENIED']);
    const failed = find((r) => r.envId === failedId && r.method === 'ControlEnvironment' && /CONFIGURE/.test(r.argsJson), 'the failed CONFIGURE');
    assert.equal(failed.outcome, final.error!.code);
    assert.ok(!records.some((r) => r.method === 'GetEnvironment' || r.method === 'ListAudit'), 'reads are not recorded');
    for (let i = 1; i < records.length; i++) assert.ok(records[i - 1]!.timeMs >= records[i]!.timeMs, 'newest first');

    // the users were added (AddUser, audited too) before this subscription
    const sinceSubscribed = records.filter((r) => r.method !== 'AddUser');
    await waitFor(() => events.events.length >= sinceSubscribed.length, 10_000, 'the audit events');
    const heldEvent = events.events.find((e) => e.data.user === 'bob');
    assert.ok(heldEvent);
    assert.deepEqual([heldEvent.kind, heldEvent.envId, heldEvent.data.outcome, heldEvent.data.method], ['audit', envId, 'HELD', 'ControlEnvironment']);
    events.stop();
  });

  it('filters by user, environment and time range', async () => {
    const all = await list(olga);
    const bobs = await list(olga, { user: 'bob' });
    assert.ok(bobs.length > 0 && bobs.every((r) => r.user === 'bob'));
    const onEnv = await list(olga, { envId });
    assert.ok(onEnv.length >= 3 && onEnv.every((r) => r.envId === envId));
    assert.equal(onEnv.length, all.filter((r) => r.envId === envId).length);

    const oldest = all.at(-1)!;
    const newest = all[0]!;
    const late = await list(olga, { sinceMs: newest.timeMs });
    assert.ok(late.length >= 1 && late.every((r) => r.timeMs >= newest.timeMs));
    assert.ok(!late.some((r) => r.id === oldest.id) || oldest.timeMs === newest.timeMs);
    const early = await list(olga, { untilMs: oldest.timeMs });
    assert.ok(early.some((r) => r.id === oldest.id) && early.every((r) => r.timeMs <= oldest.timeMs));
    const both = await list(olga, { user: 'alice', envId: failedId, sinceMs: oldest.timeMs, untilMs: newest.timeMs });
    assert.ok(both.length >= 2 && both.every((r) => r.user === 'alice' && r.envId === failedId));
    const empty = await refused(list(olga, { sinceMs: 2000, untilMs: 1000 }));
    assert.equal(empty.code, 'BAD_INPUT');
  });
});
