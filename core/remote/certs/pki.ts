// The cluster's certificates on the controller's machine: $BATON_HOME/pki/ (0700) holds the CA
// (ca.crt, ca.key 0600) and every certificate issued from it, one folder per kind:
// pki/controller/<name>.crt|.key, pki/node/<name>.crt|.key, pki/user/<name>.crt|.key, and
// pki/etcd/<name>.crt|.key for the members of a fail-over cluster's etcd (served over TLS, with
// client certificates required: the controllers show their own).
// `baton certs` and `baton node bootstrap` go through here (docs/security.md, "Certificates").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../../model/errors.js';
import { privateDir } from '../../model/private-files.js';
import { certIdentity, IDENTITY_KINDS, identityUri, type IdentityKind } from '../../rpc/identity.js';
import { makeCa, signLeaf, summarize, type PemPair } from './x509.js';

export const CA_DAYS = 3650;
export const LEAF_DAYS = 365;

export interface IssuedFiles {
  cert: string;
  key: string;
  ca: string;
}

/** what `baton certs issue` makes: a Baton identity, or an etcd member's server certificate */
export type CertKind = IdentityKind | 'etcd';
export const CERT_KINDS: readonly CertKind[] = [...IDENTITY_KINDS, 'etcd'];

export function pkiDir(home: string): string {
  return path.join(home, 'pki');
}

export function caFiles(home: string): { cert: string; key: string } {
  return { cert: path.join(pkiDir(home), 'ca.crt'), key: path.join(pkiDir(home), 'ca.key') };
}

/** During a CA rotation (rotate.ts): the new CA and the previous one in one file, what every
 *  side trusts until the rotation is finished. */
export function caBundleFile(home: string): string {
  return path.join(pkiDir(home), 'ca-bundle.crt');
}

/** What peers are to trust: the bundle while a rotation is under way, else the CA. */
export function trustFile(home: string): string {
  const bundle = caBundleFile(home);
  return fs.existsSync(bundle) ? bundle : caFiles(home).cert;
}

export function issuedFiles(home: string, kind: CertKind, name: string): IssuedFiles {
  identityUri(kind === 'etcd' ? 'node' : kind, name); // checks the name (an etcd member's as a node's)
  const dir = path.join(pkiDir(home), kind);
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`), ca: trustFile(home) };
}

/** Writes `text` to `file` with `mode`, through a temp file and a rename (never half a key). */
export function writeFile(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

/** Makes the cluster CA. Refuses when one exists: replacing it is a rotation (docs/security.md). */
export async function initCa(home: string, opts: { commonName?: string; days?: number } = {}): Promise<IssuedFiles> {
  privateDir(pkiDir(home), 'pki folder');
  const files = caFiles(home);
  if (fs.existsSync(files.cert) || fs.existsSync(files.key)) {
    throw new BatonError(
      'BAD_INPUT',
      `a CA exists already in ${pkiDir(home)} (ca.crt, ca.key): to replace it, follow "Rotating certificates" in docs/security.md`,
      {
        where: files.cert,
      },
    );
  }
  const ca = await makeCa(opts.commonName ?? 'Baton cluster CA', opts.days ?? CA_DAYS);
  writeFile(files.key, ca.key, 0o600);
  writeFile(files.cert, ca.cert, 0o644);
  return { ...files, ca: files.cert };
}

export function loadCa(home: string): PemPair {
  const files = caFiles(home);
  if (!fs.existsSync(files.cert) || !fs.existsSync(files.key)) {
    throw new BatonError('NOT_FOUND', `no CA in ${pkiDir(home)}: run \`baton certs init\` first`, { where: files.cert });
  }
  return { cert: fs.readFileSync(files.cert, 'utf8'), key: fs.readFileSync(files.key, 'utf8') };
}

/** Issues (or re-issues: the old files are replaced) a certificate of `kind` named `name`. */
export async function issue(home: string, kind: CertKind, name: string, hosts: string[], days = LEAF_DAYS): Promise<IssuedFiles> {
  if (!CERT_KINDS.includes(kind))
    throw new BatonError('BAD_INPUT', `certificate kind ${JSON.stringify(kind)}: controller, node, user or etcd`, { where: 'kind' });
  if (kind === 'etcd' && !hosts.length) {
    throw new BatonError('BAD_INPUT', 'an etcd certificate names the hosts its clients dial: give --host', { where: '--host' });
  }
  const files = issuedFiles(home, kind, name);
  const ca = loadCa(home);
  // an etcd member serves clients and dials its peers: both usages, no Baton identity
  const pair =
    kind === 'etcd'
      ? await signLeaf(ca, { identity: null, commonName: name, hosts, days, usages: ['serverAuth', 'clientAuth'] })
      : await signLeaf(ca, { identity: { kind, name }, hosts, days });
  privateDir(path.dirname(files.cert), 'pki folder');
  writeFile(files.key, pair.key, 0o600);
  writeFile(files.cert, pair.cert, 0o644);
  return files;
}

/** The issued certificate of kind/name when it is still good for `hosts` (signed by the current
 *  CA, the right identity, every host named, more than `minDays` left); else null. */
export function usableIssued(home: string, kind: IdentityKind, name: string, hosts: string[], minDays = 30): IssuedFiles | null {
  const files = issuedFiles(home, kind, name);
  if (!fs.existsSync(files.cert) || !fs.existsSync(files.key)) return null;
  const pem = fs.readFileSync(files.cert, 'utf8');
  const s = summarize(pem, loadCa(home).cert);
  const id = certIdentity({ subjectAltName: s.subjectAltName });
  if (!s.signedBy || id?.kind !== kind || id.name !== name) return null;
  if (s.notAfterMs - Date.now() < minDays * 86_400_000) return null;
  const named = s.subjectAltName.split(', ').map((e) => e.replace(/^(DNS|IP Address):/, ''));
  return hosts.every((h) => named.includes(h)) ? files : null;
}

export interface CertListing {
  file: string;
  subject: string;
  /** baton://kind/name, 'CA' for the CA, '-' for none */
  identity: string;
  hosts: string[];
  notAfterMs: number;
  /** signed by the current CA */
  current: boolean;
}

/** The CA and every certificate under pki/. */
export function listCerts(home: string): CertListing[] {
  const ca = loadCa(home);
  const rows: CertListing[] = [];
  const add = (file: string, isCa: boolean) => {
    const s = summarize(fs.readFileSync(file, 'utf8'), ca.cert);
    const id = certIdentity({ subjectAltName: s.subjectAltName });
    const hosts = s.subjectAltName
      .split(', ')
      .filter((e) => /^(DNS|IP Address):/.test(e))
      .map((e) => e.replace(/^(DNS|IP Address):/, ''));
    rows.push({ file, subject: s.subject, identity: isCa ? 'CA' : (id?.uri ?? '-'), hosts, notAfterMs: s.notAfterMs, current: !!s.signedBy });
  };
  add(caFiles(home).cert, true);
  for (const kind of CERT_KINDS) {
    const dir = path.join(pkiDir(home), kind);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.crt')) add(path.join(dir, f), false);
  }
  return rows;
}
