// Who a certificate speaks for (docs/security.md, "Certificate profile"). One CA signs every
// side of a Baton cluster; what tells a controller's certificate from a node's or a user's is a
// subjectAltName URI: baton://controller/<name>, baton://node/<name>, baton://user/<name>. An
// agent takes commands only from a certificate with a controller identity, so a node's
// certificate (stolen from one compromised node) cannot command the others. This module is the
// one definition: the agent's check reads it, and whatever issues certificates writes it.
import { BatonError } from '../model/errors.js';

export const IDENTITY_KINDS = ['controller', 'node', 'user'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface CertIdentity {
  kind: IdentityKind;
  name: string;
  /** the SAN URI it was read from */
  uri: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const URI_RE = /^baton:\/\/(controller|node|user)\/([A-Za-z0-9][A-Za-z0-9._-]{0,62})$/;

/** What each kind of certificate is used for (extendedKeyUsage): a controller serves Control and
 *  dials agents, a node serves its agent (and may dial as a client), a user only dials. */
export const EXTENDED_KEY_USAGE: Record<IdentityKind, string> = {
  controller: 'serverAuth,clientAuth',
  node: 'serverAuth,clientAuth',
  user: 'clientAuth',
};

export function identityUri(kind: IdentityKind, name: string): string {
  if (!NAME_RE.test(name)) {
    throw new BatonError('BAD_INPUT', `certificate identity name ${JSON.stringify(name)}: letters, digits, . _ - (up to 63)`, { where: 'name' });
  }
  return `baton://${kind}/${name}`;
}

export function parseIdentityUri(uri: string): CertIdentity | null {
  const m = URI_RE.exec(uri);
  return m ? { kind: m[1] as IdentityKind, name: m[2]!, uri } : null;
}

/**
 * The entries of a subjectAltName string as Node prints it ("DNS:a, IP Address:1.2.3.4,
 * URI:baton://node/x"). Values with special characters are printed as JSON strings; they are
 * decoded, so that a crafted value holding ", URI:baton://..." cannot pass for an entry of its own.
 */
export function subjectAltNames(san: string): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  let i = 0;
  while (i < san.length) {
    const colon = san.indexOf(':', i);
    if (colon < 0) break;
    const type = san.slice(i, colon);
    let j = colon + 1;
    let value: string;
    if (san[j] === '"') {
      let k = j + 1;
      while (k < san.length && san[k] !== '"') k += san[k] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(san.slice(j, k + 1)) as string;
      } catch {
        return out; // malformed: what was read so far, nothing made up
      }
      j = k + 1;
    } else {
      const end = san.indexOf(', ', j);
      value = san.slice(j, end < 0 ? san.length : end);
      j = end < 0 ? san.length : end;
    }
    out.push({ type, value });
    i = san.startsWith(', ', j) ? j + 2 : san.length;
  }
  return out;
}

/** The Baton identities a certificate carries (from a tls.PeerCertificate or X509Certificate). */
export function identitiesOf(cert: { subjectaltname?: string; subjectAltName?: string } | null | undefined): CertIdentity[] {
  const san = cert?.subjectaltname ?? cert?.subjectAltName ?? '';
  return subjectAltNames(san)
    .filter((e) => e.type === 'URI')
    .map((e) => parseIdentityUri(e.value))
    .filter((x): x is CertIdentity => x !== null);
}

/** The certificate's one identity; none, or several, is null (a certificate speaks for one party). */
export function certIdentity(cert: { subjectaltname?: string; subjectAltName?: string } | null | undefined): CertIdentity | null {
  const ids = identitiesOf(cert);
  return ids.length === 1 ? ids[0]! : null;
}

/** The openssl extension lines (for `openssl x509 -req -extfile`) of a certificate of `kind`
 *  named `name` for the given DNS names and IP addresses. */
export function opensslExtensions(kind: IdentityKind, name: string, hosts: { dns?: string[]; ip?: string[] } = {}): string {
  const san = [`URI:${identityUri(kind, name)}`, ...(hosts.dns ?? []).map((d) => `DNS:${d}`), ...(hosts.ip ?? []).map((a) => `IP:${a}`)];
  return `subjectAltName=${san.join(',')}\nextendedKeyUsage=${EXTENDED_KEY_USAGE[kind]}\n`;
}
