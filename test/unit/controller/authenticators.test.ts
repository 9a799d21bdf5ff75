// The authenticators and how the chain combines them, over a real SQLite store in a temp dir:
// wrong, rotated and removed users' tokens are refused, a token is kept only as a hash, a
// certificate names a user only through a `user:NAME` SAN, and credentials must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { UserRegistry, hashToken } from '../../../core/controller/auth/users.js';
import { identify } from '../../../core/controller/auth/authenticate.js';
import type { Authenticator, Credentials } from '../../../core/controller/auth/authenticator.js';
import { CertificateAuthenticator, usersOfCertificate } from '../../../core/controller/auth/certificate-authenticator.js';
import { ControllerTokenAuthenticator, UserTokenAuthenticator } from '../../../core/controller/auth/token-authenticators.js';
import { BatonError } from '../../../core/model/errors.js';

const CONTROLLER_TOKEN = 'the-controller-token';

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-auth-'));
  const file = path.join(dir, 'baton.db');
  const store = openSqliteStore(file);
  const users = new UserRegistry(store);
  const chain: Authenticator[] = [
    new CertificateAuthenticator(users),
    new ControllerTokenAuthenticator(CONTROLLER_TOKEN, 'operator'),
    new UserTokenAuthenticator(users),
  ];
  return {
    dir,
    file,
    store,
    users,
    who: (c: Partial<Credentials>, open = false) => identify(chain, { bearer: null, certificate: null, metadata: new grpc.Metadata(), ...c }, open),
    done: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function refused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: BatonError) => {
    assert.equal(e.code, 'UNAUTHENTICATED');
    assert.match(e.message, message);
    return true;
  });
}

/** A client certificate as Node reports it (tls.PeerCertificate's fields the authenticator reads). */
function certificate(cn: string, sans: string): PeerCertificate {
  return { subject: { CN: cn }, subjectaltname: sans } as unknown as PeerCertificate;
}

test("a user's token names the user and role; a wrong token is refused", async () => {
  const t = setup();
  try {
    const alice = await t.users.add('alice', 'shifter');
    assert.match(alice.token, /^baton_u_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(t.who({ bearer: alice.token }), { user: 'alice', role: 'shifter', by: 'user-token', credential: 'bearer' });
    refused(() => t.who({ bearer: `${alice.token}x` }), /unknown token/);
    refused(() => t.who({ bearer: 'baton_u_' }), /unknown token/);
    // nothing sent: refused, unless the controller is open (started without a token)
    refused(() => t.who({}), /missing token/);
    assert.equal(t.who({}, true).by, 'open');
    // an unknown token is refused even by an open controller
    refused(() => t.who({ bearer: 'nope' }, true), /unknown token/);
    // the controller's own token stands for its operator, admin
    assert.deepEqual(t.who({ bearer: CONTROLLER_TOKEN }), { user: 'operator', role: 'admin', by: 'controller-token', credential: 'bearer' });
  } finally {
    await t.done();
  }
});

test('a rotated token replaces the old one at once; a removed user is refused', async () => {
  const t = setup();
  try {
    const first = await t.users.add('bob', 'expert');
    const second = await t.users.newToken('bob');
    assert.notEqual(first.token, second.token);
    refused(() => t.who({ bearer: first.token }), /unknown token/);
    assert.equal(t.who({ bearer: second.token }).user, 'bob');
    assert.equal(second.user.createdMs, first.user.createdMs, 'a new token keeps the user');
    await t.users.remove('bob');
    refused(() => t.who({ bearer: second.token }), /its user was removed/);
    // and after a restart (the registry read back from the file) it stays so
    const carol = await t.users.add('carol', 'observer');
    const reread = new UserRegistry(t.store);
    await reread.load();
    assert.equal(reread.byToken(carol.token)?.name, 'carol');
    assert.equal(reread.byToken(second.token), undefined);
    assert.deepEqual(
      reread.list().map((u) => [u.name, u.role]),
      [['carol', 'observer']],
    );
  } finally {
    await t.done();
  }
});

test('tokens are kept hashed: the database files never contain a token', async () => {
  const t = setup();
  const tokens: string[] = [];
  const hashes: string[] = [];
  try {
    for (const [name, role] of [
      ['dora', 'admin'],
      ['eve', 'observer'],
    ] as const) {
      const issued = await t.users.add(name, role);
      tokens.push(issued.token);
      hashes.push(hashToken(issued.token));
    }
    const rotated = await t.users.newToken('eve');
    tokens.push(rotated.token);
    hashes.push(hashToken(rotated.token));
  } finally {
    await t.store.close();
  }
  // every file SQLite wrote (the database, and any WAL or journal left)
  const bytes = Buffer.concat(fs.readdirSync(t.dir).map((f) => fs.readFileSync(path.join(t.dir, f))));
  for (const token of tokens) {
    assert.equal(bytes.includes(Buffer.from(token)), false, 'the token is not in the database');
    // nor its random part alone
    assert.equal(bytes.includes(Buffer.from(token.slice('baton_u_'.length))), false);
  }
  assert.ok(bytes.includes(Buffer.from(hashes[0]!)), 'its hash is');
  assert.ok(bytes.includes(Buffer.from(hashes[2]!)), "the rotated token's hash is");
  fs.rmSync(t.dir, { recursive: true, force: true });
});

test('bad names and roles are BAD_INPUT and change nothing; a second add of a name is refused', async () => {
  const t = setup();
  try {
    for (const [name, role, where] of [
      ['', 'admin', 'name'],
      ['has space', 'admin', 'name'],
      ['-dash', 'admin', 'name'],
      ['x'.repeat(65), 'admin', 'name'],
      ['frank', 'root', 'role'],
    ]) {
      await assert.rejects(t.users.add(name!, role!), (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === where);
    }
    await t.users.add('frank', 'shifter');
    await assert.rejects(t.users.add('frank', 'admin'), (e: BatonError) => e.code === 'BAD_INPUT' && /exists already/.test(e.message));
    assert.deepEqual(
      t.users.list().map((u) => [u.name, u.role]),
      [['frank', 'shifter']],
    );
    await assert.rejects(t.users.remove('nobody'), (e: BatonError) => e.code === 'NOT_FOUND');
    await assert.rejects(t.users.newToken('nobody'), (e: BatonError) => e.code === 'NOT_FOUND');
    assert.equal((await t.store.listUsers()).length, 1);
  } finally {
    await t.done();
  }
});

test('a certificate names a user only by a user: SAN, and the user must exist', async () => {
  const t = setup();
  try {
    const alice = await t.users.add('alice', 'expert');
    const bob = await t.users.add('bob', 'observer');
    assert.deepEqual(usersOfCertificate(certificate('alice', 'DNS:localhost, IP Address:127.0.0.1, URI:baton://user/alice')), ['alice']);
    // a host certificate (the controller's, a node's) names no user, even when its CN is a user's name
    assert.deepEqual(usersOfCertificate(certificate('alice', 'DNS:alice, IP Address:127.0.0.1')), []);
    assert.deepEqual(usersOfCertificate(null), []);

    const aliceCert = certificate('alice-laptop', 'DNS:localhost, URI:baton://user/alice');
    assert.deepEqual(t.who({ certificate: aliceCert }), { user: 'alice', role: 'expert', by: 'certificate', credential: 'certificate' });
    // certificate and token of the same user: fine, the certificate's identity
    assert.equal(t.who({ certificate: aliceCert, bearer: alice.token }).by, 'certificate');
    // of different users: refused, so that neither can stand in for the other
    refused(() => t.who({ certificate: aliceCert, bearer: bob.token }), /certificate names alice but the user-token names bob/);
    refused(() => t.who({ certificate: aliceCert, bearer: CONTROLLER_TOKEN }), /names alice but the controller-token names operator/);
    // a certificate does not excuse a wrong token
    refused(() => t.who({ certificate: aliceCert, bearer: 'wrong' }), /unknown token/);
    // a certificate for someone who is not a user, or for two users
    refused(() => t.who({ certificate: certificate('mallory', 'URI:baton://user/mallory') }), /names user mallory, who is not a user/);
    refused(() => t.who({ certificate: certificate('both', 'URI:baton://user/alice, URI:baton://user/bob') }), /more than one user/);
    // a host certificate: the token decides
    assert.equal(t.who({ certificate: certificate('localhost', 'DNS:localhost'), bearer: bob.token }).user, 'bob');
    refused(() => t.who({ certificate: certificate('localhost', 'DNS:localhost') }), /missing token/);
    // a removed user's certificate stops working too
    await t.users.remove('alice');
    refused(() => t.who({ certificate: aliceCert }), /not a user/);
  } finally {
    await t.done();
  }
});
