// Client certificates under mutual TLS. Every certificate the controller accepts is signed by the
// cluster CA; one that names a user carries a SAN URI `user:NAME`, and that user must exist. The
// subject CN is not used: the CA also signs the controller's and the nodes' certificates, whose CN
// is a host name, and a host must never pass for a user of the same name.
import type { PeerCertificate } from 'node:tls';
import { BatonError } from '../../model/errors.js';
import type { Authenticator, Credentials, Identity } from './authenticator.js';
import type { Role } from './caller.js';
import type { UserRegistry } from './users.js';

/** The SAN URI scheme that names a Baton user in a certificate: URI:user:alice */
export const USER_SAN_SCHEME = 'user:';

/** The user names a certificate's SANs carry (none for a host certificate). */
export function usersOfCertificate(certificate: PeerCertificate | null): string[] {
  const sans = certificate?.subjectaltname ?? '';
  const names: string[] = [];
  for (const entry of sans.split(/,\s*/)) {
    const uri = /^URI:"?(.*?)"?$/.exec(entry.trim())?.[1];
    if (uri?.startsWith(USER_SAN_SCHEME)) names.push(uri.slice(USER_SAN_SCHEME.length));
  }
  return names;
}

export class CertificateAuthenticator implements Authenticator {
  constructor(private readonly users: UserRegistry) {}

  authenticate(credentials: Credentials): Identity | null {
    const names = usersOfCertificate(credentials.certificate);
    if (names.length === 0) return null;
    const subject = credentials.certificate?.subject?.CN ?? '';
    if (names.length > 1) {
      throw new BatonError('UNAUTHENTICATED', `the client certificate (CN ${subject}) names more than one user: ${names.join(', ')}`, {
        where: 'certificate',
      });
    }
    const user = this.users.get(names[0]!);
    if (!user) {
      throw new BatonError('UNAUTHENTICATED', `the client certificate (CN ${subject}) names user ${names[0]}, who is not a user of this controller`, {
        where: 'certificate',
      });
    }
    return { user: user.name, role: user.role as Role, by: 'certificate', credential: 'certificate' };
  }
}
