// Certificate identities (core/rpc/identity.ts): read from the subjectAltName string as Node
// prints it, one per certificate; a crafted value cannot pass for an entry of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certIdentity, identityUri, opensslExtensions, subjectAltNames } from '../../../core/rpc/identity.js';

test('the one Baton identity of a certificate, or none', () => {
  assert.deepEqual(certIdentity({ subjectaltname: 'DNS:localhost, IP Address:127.0.0.1, URI:baton://controller/ctl' }), {
    kind: 'controller',
    name: 'ctl',
    uri: 'baton://controller/ctl',
  });
  assert.equal(certIdentity({ subjectaltname: 'URI:baton://node/daq-07' })?.kind, 'node');
  assert.equal(certIdentity({ subjectaltname: 'DNS:localhost, IP Address:127.0.0.1' }), null, 'no identity');
  assert.equal(certIdentity({ subjectaltname: 'URI:baton://node/a, URI:baton://controller/b' }), null, 'two identities speak for nobody');
  assert.equal(certIdentity({ subjectaltname: 'URI:baton://admin/x' }), null, 'an unknown kind');
  assert.equal(certIdentity({ subjectaltname: 'URI:https://evil.example/baton://controller/x' }), null);
  assert.equal(certIdentity(undefined), null);
});

test('a quoted value holding ", URI:baton://controller/..." stays one value', () => {
  const san = 'DNS:a, URI:"x, URI:baton://controller/evil, DNS:b", DNS:c';
  assert.deepEqual(subjectAltNames(san), [
    { type: 'DNS', value: 'a' },
    { type: 'URI', value: 'x, URI:baton://controller/evil, DNS:b' },
    { type: 'DNS', value: 'c' },
  ]);
  assert.equal(certIdentity({ subjectaltname: san }), null);
});

test('the openssl extension lines of each kind', () => {
  assert.equal(
    opensslExtensions('node', 'daq-07', { dns: ['daq-07.example.org'], ip: ['10.0.0.7'] }),
    'subjectAltName=URI:baton://node/daq-07,DNS:daq-07.example.org,IP:10.0.0.7\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  assert.match(opensslExtensions('user', 'alice'), /extendedKeyUsage=clientAuth\n$/);
  assert.throws(() => identityUri('controller', 'bad name'), /letters, digits/);
});
