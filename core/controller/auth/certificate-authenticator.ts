// Client certificates under mutual TLS. Every certificate the controller accepts is signed by the
// cluster CA; one that names a user carries the SAN URI `baton://user/NAME` (the certificate
// profile: core/rpc/identity.ts), and that user must exist. The subject CN is not used: the CA
// also signs the controller's and the nodes' certificates, whose CN is a host name, and a host must
// never pass for a user of the same name.
import type { PeerCertificate } from 'node:tls';
import { BatonError } from '../../model/errors.js';
import type { Authenticator, Credentials, Identity } from './authenticator.js';
import type { Role } from './caller.js';
import type { UserRegistry } from './users.js';
import { identitiesOf } from '../../rpc/identity.js';

/** The user names a certificate's SANs carry (none for a controller's or a node's certificate). */
export function usersOfCertificate(certificate: PeerCertificate | null): string[] {
  return identitiesOf(certificate)
    .filter((identity) => identity.kind === 'user')
    .map((identity) => identity.name);
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
