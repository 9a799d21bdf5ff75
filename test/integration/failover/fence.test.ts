// The etcd store's fence: once the leader key it was elected with is gone (its lease revoked or
// expired), every write of the deposed leader fails with NOT_LEADER and changes nothing, run
// numbers included.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openEtcdStore } from '../../../core/store/etcd.js';
import { parseEtcdUrl } from '../../../core/store/etcd-url.js';
import { BatonError } from '../../../core/model/errors.js';
import { startEtcd, type TestEtcd } from './etcd.js';

let etcd: TestEtcd;
before(async () => {
  etcd = await startEtcd();
});
after(() => etcd.stop());

test('a fenced store writes nothing once its leader key is gone', async () => {
  const url = parseEtcdUrl(etcd.storeUrl());
  const store = await openEtcdStore(url);
  const lease = store.kv.ns.lease(2);
  const leaseId = await lease.grant();
  const taken = await store.kv.ns.if('leader', 'Create', '==', 0).then(store.kv.ns.put('leader').value('me').lease(leaseId)).commit();
  assert.ok(taken.succeeded);
  store.kv.fence = { key: 'leader', createRevision: String(taken.header.revision) };

  await store.setMeta('k', 'while leading');
  assert.equal(await store.nextRunNumber(), 1);
  await lease.revoke();

  const notLeader = (e: unknown) => e instanceof BatonError && e.code === 'NOT_LEADER';
  await assert.rejects(store.setMeta('k', 'deposed'), notLeader);
  await assert.rejects(store.nextRunNumber(), notLeader);
  await assert.rejects(store.appendEvents([{ timeMs: 1, kind: 'x', envId: '', taskId: '', node: '', body: null }]), notLeader);

  const reader = await openEtcdStore(url);
  assert.equal(await reader.getMeta('k'), 'while leading');
  assert.equal(await reader.lastRunNumber(), 1);
  assert.equal(await reader.lastEventSeq(), 0);
  await reader.close();
  await store.close();
});
