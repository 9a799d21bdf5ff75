// An agent obeys only its controller: over mutual TLS, the client certificate must carry a
// controller identity (core/rpc/identity.ts), not a node's or a user's, even though one CA signs
// them all. Without this, the certificate of any one node (whose key sits on that node) could
// command every other agent. Over a unix socket there is no certificate: the socket's file
// permissions (a 0700 home) keep other users out.
import type * as grpc from '@grpc/grpc-js';
import { BatonError } from '../model/errors.js';
import { certIdentity } from '../rpc/identity.js';
import type { ResolvedOptions } from './options.js';

type WithAuthContext = Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getAuthContext'>;

/** Why the caller may not command this agent, or null when it is its controller's kind of caller. */
export function controllerRefusal(call: WithAuthContext, options: ResolvedOptions): BatonError | null {
  if (!options.tls || options.listen.kind !== 'tcp') return null;
  const cert = call.getAuthContext?.()?.sslPeerCertificate;
  const node = options.name;
  if (!cert || !Object.keys(cert).length) {
    return new BatonError('UNAUTHENTICATED', `agent ${node} takes commands only from its controller: the caller presented no client certificate`, {
      node,
    });
  }
  const subject = cert.subject?.CN ? `CN=${cert.subject.CN}` : 'no CN';
  const id = certIdentity(cert);
  if (!id) {
    return new BatonError(
      'PERMISSION_DENIED',
      `agent ${node} takes commands only from its controller: the client certificate (${subject}) carries no Baton identity (a controller's has the subjectAltName URI baton://controller/<name>)`,
      { node, where: 'tls.cert', data: { subject } },
    );
  }
  if (id.kind !== 'controller') {
    return new BatonError(
      'PERMISSION_DENIED',
      `agent ${node} takes commands only from its controller: the client certificate is a ${id.kind}'s (${id.uri}), not a controller's`,
      { node, where: 'tls.cert', data: { identity: id.uri, kind: id.kind } },
    );
  }
  return null;
}
