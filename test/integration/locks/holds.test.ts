// Environment holds on a real controller: the creator holds; another user's mutating call is
// refused naming the holder and since when and changes nothing; an expert takes over with a
// reason (recorded in the audit trail); the holder or an expert releases; a free environment goes
// to the first user who drives it; holds survive a controller restart; BUSY names who started
// the transition under way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlClient, Environment, ListAuditReply } from '../../../core/rpc/gen/control.js';
import { call, control, getEnv, mustControl, waitFor } from '../controller/harness.js';
import { startUsersStack, type UsersStack, createAs, refused } from './users.js';

const create = createAs;

describe('environment holds', { timeout: 120_000 }, () => {
  let s: UsersStack;
  let alice: ControlClient;
  let bob: ControlClient;
  let erin: ControlClient;
  let envId = '';

  before(async () => {
    s = await startUsersStack();
    alice = s.as('alice');
    bob = s.as('bob');
    erin = s.as('erin');
  });
  after(() => s?.stop());

  it('is held by its creator; another user is refused with HELD naming the holder and since when', async () => {
    const env = await create(alice, 'plain');
    envId = env.id;
    assert.equal(env.holder, 'alice');
    assert.ok(env.heldSinceMs > 0);
    const e = await refused(control(bob, envId, 'DEPLOY'));
    assert.equal(e.code, 'HELD');
    assert.match(e.message, /held by alice since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.equal(e.detail.data?.holder, 'alice');
    assert.equal(e.detail.data?.since_ms, String(env.heldSinceMs));
    const destroy = await refused(call(bob, 'destroyEnvironment', { id: envId, force: false }));
    assert.equal(destroy.code, 'HELD');
    assert.equal((await getEnv(bob, envId, false)).state, 'STANDBY', 'the refused calls changed nothing');
    await mustControl(alice, envId, 'DEPLOY');
  });

  it('is taken over only by an expert, with a reason, which the audit trail records', async () => {
    const byShifter = await refused(call(bob, 'takeEnvironment', { id: envId, reason: 'mine now' }));
    assert.equal(byShifter.code, 'PERMISSION_DENIED');
    const noReason = await refused(call(erin, 'takeEnvironment', { id: envId, reason: '  ' }));
    assert.equal(noReason.code, 'BAD_INPUT');
    assert.equal(noReason.detail.where, 'reason');
    assert.equal((await getEnv(erin, envId, false)).holder, 'alice', 'a refused take changes nothing');

    const taken = await call<unknown, Environment>(erin, 'takeEnvironment', { id: envId, reason: 'alice is off shift; the ITS expert needs it' });
    assert.equal(taken.holder, 'erin');
    const e = await refused(control(alice, envId, 'CONFIGURE'));
    assert.equal(e.code, 'HELD');
    assert.equal(e.detail.data?.holder, 'erin');
    await mustControl(erin, envId, 'CONFIGURE');

    const audit = await call<unknown, ListAuditReply>(bob, 'listAudit', { user: 'erin', envId: '', sinceMs: 0, untilMs: 0, limit: 0 });
    const take = audit.records.find((r) => r.method === 'TakeEnvironment' && r.outcome === 'ok');
    assert.ok(take, 'the take is in the audit trail');
    assert.equal(take.role, 'expert');
    assert.equal(take.envId, envId);
    assert.match(take.argsJson, /alice is off shift; the ITS expert needs it/);
  });

  it('is released by its holder or an expert, and a free one goes to the first user who drives it', async () => {
    const e = await refused(call(alice, 'releaseEnvironment', { id: envId }));
    assert.equal(e.code, 'HELD');
    assert.match(e.message, /held by erin .*only erin or an expert may release it/);
    const released = await call<unknown, Environment>(erin, 'releaseEnvironment', { id: envId });
    assert.equal(released.holder, '');
    assert.equal(released.heldSinceMs, 0);
    await mustControl(bob, envId, 'START_ACTIVITY');
    assert.equal((await getEnv(alice, envId, false)).holder, 'bob');
    assert.equal((await refused(control(alice, envId, 'STOP_ACTIVITY'))).detail.data?.holder, 'bob');
  });

  it('survives a controller restart', async () => {
    await s.stack.stopController();
    await s.stack.restartController();
    await waitFor(async () => (await getEnv(bob, envId, false)).holder === 'bob', 15_000, 'the restored hold');
    assert.equal((await refused(control(alice, envId, 'STOP_ACTIVITY'))).code, 'HELD');
    await mustControl(bob, envId, 'STOP_ACTIVITY');
  });

  it('BUSY names who started the transition under way', async () => {
    const env = await create(alice, 'plain', { delay_ms: '2000' });
    await mustControl(alice, env.id, 'DEPLOY');
    const slow = control(alice, env.id, 'CONFIGURE');
    await waitFor(async () => (await getEnv(alice, env.id, false)).transition === 'CONFIGURE', 10_000, 'CONFIGURE under way');
    const busy = await refused(control(alice, env.id, 'RESET'));
    assert.equal(busy.code, 'BUSY');
    assert.match(busy.message, /CONFIGURE is under way \(started by alice at .* UTC\)/);
    assert.equal(busy.detail.data?.by, 'alice');
    await slow;
    await call(alice, 'destroyEnvironment', { id: env.id, force: true });
  });

  it('a destroyed environment is held by nobody', async () => {
    await mustControl(bob, envId, 'RESET');
    const gone = await call<unknown, Environment>(bob, 'destroyEnvironment', { id: envId, force: false });
    assert.equal(gone.holder, '');
  });
});
