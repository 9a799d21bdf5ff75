// --store etcd://host:port[,host:port]/prefix: parsed, or a BAD_INPUT naming the flag and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEtcdUrl } from '../../../core/store/etcd-url.js';
import { BatonError } from '../../../core/model/errors.js';
import { parseLeaseTtl } from '../../../core/cli/commands/controller-cluster.js';

test('an etcd store address gives the endpoints and the prefix', () => {
  assert.deepEqual(parseEtcdUrl('etcd://10.0.0.5:2379,etcd-2.lab:2379/baton/prod/'), {
    hosts: ['http://10.0.0.5:2379', 'http://etcd-2.lab:2379'],
    prefix: '/baton/prod',
    secure: false,
  });
  assert.deepEqual(parseEtcdUrl('etcd://[::1]:2379/b').hosts, ['http://[::1]:2379']);
});

test('an etcds:// store address is etcd over TLS', () => {
  assert.deepEqual(parseEtcdUrl('etcds://10.0.0.5:2379,10.0.0.6:2379/baton'), {
    hosts: ['https://10.0.0.5:2379', 'https://10.0.0.6:2379'],
    prefix: '/baton',
    secure: true,
  });
});

test('a bad etcd store address is a BAD_INPUT naming --store and the reason', () => {
  const cases: [string, RegExp][] = [
    ['/var/lib/baton.db', /not an etcd:\/\/ address/],
    ['etcd://127.0.0.1:2379', /no key prefix/],
    ['etcd://127.0.0.1:2379/', /prefix is empty/],
    ['etcd://127.0.0.1/baton', /host:port/],
    ['etcd://127.0.0.1:2379,/baton', /host:port/],
    ['etcd://127.0.0.1:2379/ba ton', /letters, digits/],
    ['etcds://127.0.0.1:2379', /no key prefix/],
    ['https://127.0.0.1:2379/baton', /not an etcd:\/\/ address/],
  ];
  for (const [text, why] of cases) {
    assert.throws(
      () => parseEtcdUrl(text),
      (e: unknown) => e instanceof BatonError && e.code === 'BAD_INPUT' && e.detail.where === '--store' && why.test(e.message),
      text,
    );
  }
});

test('--lease-ttl takes whole seconds from 2 to 60', () => {
  assert.equal(parseLeaseTtl(undefined), undefined);
  assert.equal(parseLeaseTtl('2'), 2);
  assert.equal(parseLeaseTtl('5s'), 5);
  for (const bad of ['1', '0', '2.5', '61', 'soon']) {
    assert.throws(
      () => parseLeaseTtl(bad),
      (e: unknown) => e instanceof BatonError && e.code === 'BAD_INPUT' && e.detail.where === '--lease-ttl',
      bad,
    );
  }
});
