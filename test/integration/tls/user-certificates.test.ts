// Under mutual TLS a client certificate can name the user (a SAN URI `baton://user/NAME`): a real TLS
// controller, certificates made with openssl and signed by the cluster CA, the real client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startController, type ControllerHandle } from '../../../core/controller/main.js';
import type { BatonError } from '../../../core/model/errors.js';
import { connectControl } from '../../../core/rpc/control-client.js';
import { tempHome } from '../controller/harness.js';
import { makeCerts, signLeaf, type Certs, type Pem } from './certs.js';

const TOKEN = 'tls-users-token';
let home = '';
let certs: Certs;
let ctl: ControllerHandle;
const users = new Map<string, string>(); // name -> token

/** A client certificate signed by the cluster CA (certs.ts's `ca`) with the given SANs. */
function userCertificate(name: string, sans: string): Pem {
  return signLeaf(certs.dir, name, `${name}-laptop`, 'ca', `subjectAltName=${sans}\n`);
}

async function whoAmI(pem: Pem, token?: string) {
  const c = connectControl(ctl.address, { tls: pem, token });
  try {
    return await c.call('whoAmI', {}, 10_000);
  } finally {
    c.close();
  }
}

async function refused(pem: Pem, token: string | undefined, code: string, message: RegExp): Promise<void> {
  await assert.rejects(whoAmI(pem, token), (e: BatonError) => {
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

before(async () => {
  home = tempHome();
  certs = makeCerts(home);
  ctl = await startController({ home, listen: '127.0.0.1:0', token: TOKEN, tls: certs.ctl });
  // the CLI's certificate names no user: the controller token decides (the operator, admin)
  const admin = connectControl(ctl.address, { tls: certs.cli, token: TOKEN });
  try {
    for (const [name, role] of [
      ['alice', 'expert'],
      ['bob', 'observer'],
    ]) {
      users.set(name!, (await admin.call('addUser', { name: name!, role: role! })).token);
    }
  } finally {
    admin.close();
  }
});

after(async () => {
  await ctl?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

test("a certificate with SAN user:alice is alice, with alice's role, without a token", async () => {
  const alice = userCertificate('alice', 'DNS:localhost,IP:127.0.0.1,URI:baton://user/alice');
  assert.deepEqual(await whoAmI(alice), { user: 'alice', role: 'expert', client: 'api', authenticatedBy: 'certificate' });
  // with alice's own token too: still alice
  assert.equal((await whoAmI(alice, users.get('alice'))).user, 'alice');
  // the role applies: an expert may not add nodes
  const c = connectControl(ctl.address, { tls: alice });
  try {
    await assert.rejects(c.call('addNode', { address: 'unix:///nowhere.sock', name: '', takeOver: false }), (e: BatonError) => {
      assert.equal(e.code, 'PERMISSION_DENIED');
      assert.match(e.message, /AddNode|addNode/);
      assert.match(e.message, /alice is expert/);
      return true;
    });
  } finally {
    c.close();
  }
});

test("alice's certificate with bob's token, or a wrong token, is refused", async () => {
  const alice = userCertificate('alice2', 'DNS:localhost,URI:baton://user/alice');
  await refused(alice, users.get('bob'), 'UNAUTHENTICATED', /certificate names alice but the user-token names bob/);
  await refused(alice, 'wrong-token', 'UNAUTHENTICATED', /unknown token/);
});

test('a certificate naming someone who is not a user is refused, even with a good token', async () => {
  const mallory = userCertificate('mallory', 'DNS:localhost,URI:baton://user/mallory');
  await refused(mallory, undefined, 'UNAUTHENTICATED', /names user mallory, who is not a user of this controller/);
  await refused(mallory, users.get('bob'), 'UNAUTHENTICATED', /mallory/);
});

test('a host certificate names nobody: the token decides, and without one the call is refused', async () => {
  assert.deepEqual(await whoAmI(certs.cli, users.get('bob')), { user: 'bob', role: 'observer', client: 'api', authenticatedBy: 'user-token' });
  await refused(certs.cli, undefined, 'UNAUTHENTICATED', /missing token/);
});
