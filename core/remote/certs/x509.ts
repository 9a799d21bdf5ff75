// Making certificates of the Baton profile (core/rpc/identity.ts) with @peculiar/x509 on Node's
// WebCrypto: a self-signed cluster CA, and leaf certificates signed by it that carry one Baton
// identity (a SAN URI) and the host names the peer dials. No ASN.1 by hand, no openssl command.
import { webcrypto, randomBytes, X509Certificate as NodeX509 } from 'node:crypto';
import { isIP } from 'node:net';
// @peculiar/x509 builds on tsyringe, which needs the Reflect metadata API loaded first
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { BatonError } from '../../model/errors.js';
import { EXTENDED_KEY_USAGE, identityUri, type IdentityKind } from '../../rpc/identity.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
// (typed loosely: the project compiles without the DOM lib that @peculiar/x509's types name)
x509.cryptoProvider.set(webcrypto as never);

/** ECDSA P-256 with SHA-256: small keys, fast handshakes, accepted by every TLS stack Node uses. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface PemPair {
  cert: string;
  key: string;
}

/** Hosts a certificate names: each entry a DNS name or an IP address (told apart by its form). */
export function sanOfHosts(hosts: string[]): { type: 'dns' | 'ip'; value: string }[] {
  return hosts.map((h) => {
    if (isIP(h)) return { type: 'ip' as const, value: h };
    if (!/^[A-Za-z0-9*]([A-Za-z0-9.-]{0,252})$/.test(h)) {
      throw new BatonError('BAD_INPUT', `host ${JSON.stringify(h)} is neither a DNS name nor an IP address`, { where: '--host' });
    }
    return { type: 'dns' as const, value: h };
  });
}

function serial(): string {
  // positive, 16 random bytes (RFC 5280: at most 20 octets, unpredictable)
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

async function keyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('pkcs8', new Uint8Array(x509.PemConverter.decodeFirst(pem)), ALGORITHM, false, ['sign']);
  } catch (e) {
    throw new BatonError('BAD_INPUT', `the CA key is not a PKCS#8 ECDSA P-256 key: ${(e as Error).message}`, { where: 'ca.key' });
  }
}

/** A new self-signed CA named `commonName`, valid `days`. */
export async function makeCa(commonName: string, days: number): Promise<PemPair> {
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: keys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

export interface LeafRequest {
  /** null: a certificate with no Baton identity (tests of what must be refused) */
  identity: { kind: IdentityKind; name: string } | null;
  /** the subject CN (default: the identity's name) */
  commonName?: string;
  /** DNS names and IP addresses the peer dials */
  hosts: string[];
  days: number;
  /** extendedKeyUsage override (default: the kind's, core/rpc/identity.ts) */
  usages?: ('serverAuth' | 'clientAuth')[];
}

/** A leaf certificate and its new key, signed by the CA `ca`. */
export async function signLeaf(ca: PemPair, req: LeafRequest): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const signingKey = await importSigningKey(ca.key);
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names: { type: 'url' | 'dns' | 'ip'; value: string }[] = [];
  if (req.identity) names.push({ type: 'url', value: identityUri(req.identity.kind, req.identity.name) });
  names.push(...sanOfHosts(req.hosts));
  const usages =
    req.usages ?? (req.identity ? (EXTENDED_KEY_USAGE[req.identity.kind].split(',') as ('serverAuth' | 'clientAuth')[]) : ['serverAuth', 'clientAuth']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${req.commonName ?? req.identity?.name ?? req.hosts[0] ?? 'baton'}`,
    issuer: caCert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(Math.min(now + req.days * DAY_MS, caCert.notAfter.getTime())),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey as never,
    signingKey: signingKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension(usages.map((u) => x509.ExtendedKeyUsage[u])),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

export interface CertSummary {
  subject: string;
  /** the SAN as Node prints it */
  subjectAltName: string;
  notAfterMs: number;
  fingerprint256: string;
  /** signed by `ca` (when one was given to check against) */
  signedBy?: boolean;
}

/** What a PEM certificate says (Node's own parser: the same view the TLS stack has of it). */
export function summarize(certPem: string, caPem?: string): CertSummary {
  const c = new NodeX509(certPem);
  const summary: CertSummary = {
    subject: c.subject.replace(/\n/g, ', '),
    subjectAltName: c.subjectAltName ?? '',
    notAfterMs: Date.parse(c.validTo),
    fingerprint256: c.fingerprint256,
  };
  if (caPem) summary.signedBy = c.checkIssued(new NodeX509(caPem)) && c.verify(new NodeX509(caPem).publicKey);
  return summary;
}
