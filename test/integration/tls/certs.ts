// Test certificates made with the openssl command (as test/integration/agent/tls.test.ts does): one
// CA, and certificates for the agent, the controller and the CLI, each for localhost and 127.0.0.1,
// with the Baton identity of their kind (core/rpc/identity.ts: baton://node/..., baton://controller/...,
// baton://user/...). A second node's certificate, and one with no Baton identity, are signed by the
// same CA: an agent must refuse both as a client. A second CA signs a "stranger" certificate the
// others must refuse.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { opensslExtensions, type IdentityKind } from '../../../core/rpc/identity.js';

export interface Pem {
  cert: string;
  key: string;
  ca: string;
}
export interface Certs {
  agent: Pem;
  ctl: Pem;
  cli: Pem;
  stranger: Pem;
  /** another node's certificate (same CA) */
  node2: Pem;
  /** signed by the CA, but with no Baton identity */
  anonymous: Pem;
  dir: string;
}

export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed test CA `ca` in dir (ca.crt, ca.key). */
export function makeCa(dir: string, ca: string): void {
  execFileSync('openssl', ['req', '-x509', ...NEW_KEY, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-subj', `/CN=baton-test-${ca}`, '-days', '1'], {
    cwd: dir,
    stdio: 'ignore',
  });
}

/** A certificate `name` (subject CN `cn`) signed by the CA `ca` of dir, with the openssl extension
 *  lines `extensions` (subjectAltName, extendedKeyUsage). */
export function signLeaf(dir: string, name: string, cn: string, ca: string, extensions: string): Pem {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const f = (n: string) => path.join(dir, n);
  ssl('req', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  fs.writeFileSync(f(`${name}.ext`), extensions);
  ssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  );
  return { cert: f(`${name}.crt`), key: f(`${name}.key`), ca: f(`${ca}.crt`) };
}

/** Writes the certificates into dir; returns the file paths. */
export function makeCerts(dir: string): Certs {
  for (const ca of ['ca', 'other-ca']) makeCa(dir, ca);
  const hosts = { dns: ['localhost'], ip: ['127.0.0.1'] };
  const leaf = (name: string, cn: string, ca: string, identity: [IdentityKind, string] | null): Pem =>
    signLeaf(dir, name, cn, ca, identity ? opensslExtensions(identity[0], identity[1], hosts) : 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  return {
    dir,
    agent: leaf('agent', '127.0.0.1', 'ca', ['node', 'tls-1']),
    ctl: leaf('ctl', 'localhost', 'ca', ['controller', 'ctl']),
    // the CLI's certificate names no user (the token decides who calls): a certificate naming a
    // user needs that user on the controller (user-certificates.test.ts)
    cli: leaf('cli', 'baton-cli', 'ca', null),
    node2: leaf('node2', '127.0.0.1', 'ca', ['node', 'node-2']),
    anonymous: leaf('anonymous', 'localhost', 'ca', null),
    // signed by another CA, and trusting that CA only
    stranger: leaf('stranger', 'localhost', 'other-ca', ['controller', 'stranger']),
  };
}
