// The certificates `baton certs` and `baton node bootstrap` make (core/remote/certs/): the
// profile of core/rpc/identity.ts, accepted by Node's TLS in a mutual handshake, and the rule by
// which bootstrap re-issues a node's certificate.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { test } from 'node:test';
import { certIdentity } from '../../../core/rpc/identity.js';
import { initCa, issue, listCerts, pkiDir, usableIssued } from '../../../core/remote/certs/pki.js';

test('a node and a controller certificate shake hands over mutual TLS and carry their identities', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-certs-'));
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  await initCa(home);
  const node = await issue(home, 'node', 'n1', ['127.0.0.1', 'localhost']);
  const ctl = await issue(home, 'controller', 'ctl', ['localhost']);
  const read = (f: string) => fs.readFileSync(f);
  const server = tls.createServer({ cert: read(node.cert), key: read(node.key), ca: read(node.ca), requestCert: true, rejectUnauthorized: true });
  const clientCert = new Promise<tls.PeerCertificate>((resolve) =>
    server.on('secureConnection', (s) => {
      resolve(s.getPeerCertificate());
      s.end();
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const client = tls.connect({ host: '127.0.0.1', port, cert: read(ctl.cert), key: read(ctl.key), ca: read(ctl.ca) });
  const serverCert = await new Promise<tls.PeerCertificate>((resolve, reject) => {
    client.once('secureConnect', () => resolve(client.getPeerCertificate()));
    client.once('error', reject);
  });
  // (TLS 1.3: the server sees the handshake done once the client's Finished arrives)
  const seenByServer = await clientCert;
  client.destroy();
  assert.deepEqual(certIdentity(serverCert), { kind: 'node', name: 'n1', uri: 'baton://node/n1' });
  assert.equal(certIdentity(seenByServer)?.uri, 'baton://controller/ctl');
});

test('bootstrap re-issues a node certificate for another host or after the CA changed', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-certs-'));
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  await initCa(home);
  await issue(home, 'node', 'n1', ['10.0.0.7']);
  assert.ok(usableIssued(home, 'node', 'n1', ['10.0.0.7']));
  assert.equal(usableIssued(home, 'node', 'n1', ['10.0.0.8']), null, 'not for this host');
  assert.equal(usableIssued(home, 'node', 'n1', ['10.0.0.7'], 400), null, 'expires within 400 days');
  assert.equal(usableIssued(home, 'node', 'n2', ['10.0.0.7']), null, 'none issued');
  // a new CA: the old certificate is listed as not signed by it, and is not used
  fs.rmSync(path.join(pkiDir(home), 'ca.crt'));
  fs.rmSync(path.join(pkiDir(home), 'ca.key'));
  await initCa(home);
  assert.equal(usableIssued(home, 'node', 'n1', ['10.0.0.7']), null);
  assert.deepEqual(
    listCerts(home).map((c) => [c.identity, c.current]),
    [
      ['CA', true],
      ['baton://node/n1', false],
    ],
  );
});
