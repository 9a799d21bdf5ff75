// The controllers of a fail-over cluster reach etcd over TLS (--store etcds://...) with
// certificates made by `baton certs`: a real etcd (Debian's) serving clients over TLS with
// --client-cert-auth, so a client without a certificate signed by the cluster CA is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baton, ok, tempHome } from '../cli/harness.js';
import { startCluster } from './cluster.js';
import type { EtcdTlsFiles } from './etcd.js';
import { freePort, startEtcd } from './etcd.js';

/** A CA with an etcd member's certificate and a controller's, made by `baton certs`. */
async function clusterPki(): Promise<{ home: string; tls: EtcdTlsFiles }> {
  const home = tempHome();
  await ok(home, ['certs', 'init']);
  await ok(home, ['certs', 'issue', 'etcd', 'etcd-1', '--host', '127.0.0.1']);
  await ok(home, ['certs', 'issue', 'controller', '--host', '127.0.0.1']);
  const pki = path.join(home, 'pki');
  return {
    home,
    tls: {
      cert: path.join(pki, 'etcd', 'etcd-1.crt'),
      key: path.join(pki, 'etcd', 'etcd-1.key'),
      ca: path.join(pki, 'ca.crt'),
      client: { cert: path.join(pki, 'controller', 'controller.crt'), key: path.join(pki, 'controller', 'controller.key') },
    },
  };
}

test('a cluster on an etcd that requires client certificates: etcds://, a take-over restores from it', async (t) => {
  const { home, tls } = await clusterPki();
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  const cluster = await startCluster({ controllers: 2, agents: 1, etcdTls: tls });
  t.after(() => cluster.stop());
  assert.match(cluster.etcd.storeUrl('x'), /^etcds:\/\//);

  const first = await cluster.leader();
  const created = await cluster.json<{ id: string }>(['env', 'create', 'quick']);
  await first.kill9();
  const second = await cluster.leader();
  assert.notEqual(second.index, first.index);
  // what the first leader wrote over TLS, the successor read over TLS
  const listed = await cluster.json<{ id: string }[]>(['env', 'list']);
  assert.deepEqual(
    listed.map((e) => e.id),
    [created.id],
  );
});

test('a controller whose certificate another CA signed is refused by etcd and does not start', async (t) => {
  const { home, tls } = await clusterPki();
  const stranger = tempHome();
  t.after(() => {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(stranger, { recursive: true, force: true });
  });
  const etcd = await startEtcd({ tls });
  t.after(() => etcd.stop());
  await ok(stranger, ['certs', 'init']);
  await ok(stranger, ['certs', 'issue', 'controller', '--host', '127.0.0.1']);
  const own = path.join(stranger, 'pki', 'controller');
  const port = await freePort();
  const r = await baton(
    stranger,
    [
      'controller',
      '--listen',
      `127.0.0.1:${port}`,
      '--token',
      't',
      '--store',
      etcd.storeUrl('stranger'),
      '--store-ca',
      tls.ca,
      '--store-cert',
      path.join(own, 'controller.crt'),
      '--store-key',
      path.join(own, 'controller.key'),
    ],
    { timeoutMs: 60_000 },
  );
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stderr, /etcd store https:\/\/127\.0\.0\.1:\d+/, r.stderr);
  assert.doesNotMatch(r.stdout, /leading on/);
});

test('etcd TLS flags: etcds:// needs certificates, --store-ca needs etcds://', async (t) => {
  const home = tempHome();
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  const bare = await baton(home, ['controller', '--listen', '127.0.0.1:0', '--token', 't', '--store', 'etcds://127.0.0.1:2379/baton']);
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /BAD_INPUT/);
  assert.match(bare.stderr, /etcds:\/\/\.\.\. needs --store-ca, --store-cert and --store-key/);
  const plain = await baton(home, [
    'controller',
    '--listen',
    '127.0.0.1:0',
    '--token',
    't',
    '--store',
    'etcd://127.0.0.1:2379/baton',
    '--store-ca',
    'a',
    '--store-cert',
    'b',
    '--store-key',
    'c',
  ]);
  assert.equal(plain.code, 2, plain.stderr);
  assert.match(plain.stderr, /--store-ca, --store-cert and --store-key need --store etcds:\/\//);
});
