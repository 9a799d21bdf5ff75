// Listen and dial addresses. unix:///abs/path or host:port. An agent or controller refuses to
// listen on a non-loopback network address without TLS (docs/design.md, "Rules").
import { BatonError } from '../model/errors.js';

export interface ParsedAddress {
  kind: 'unix' | 'tcp';
  path?: string;
  host?: string;
  port?: number;
  /** the string grpc-js takes */
  grpc: string;
}

export function parseAddress(addr: string, what = 'address'): ParsedAddress {
  if (addr.startsWith('unix:')) {
    const path = addr.replace(/^unix:(\/\/)?/, '');
    if (!path.startsWith('/')) throw new BatonError('BAD_INPUT', `${what} ${addr}: a unix socket path must be absolute`, { where: what });
    return { kind: 'unix', path, grpc: `unix://${path}` };
  }
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(addr);
  if (!m) throw new BatonError('BAD_INPUT', `${what} ${addr}: expected unix:///path or host:port`, { where: what });
  const port = Number(m[2]);
  if (port > 65535) throw new BatonError('BAD_INPUT', `${what} ${addr}: port out of range`, { where: what });
  return { kind: 'tcp', host: m[1]!, port, grpc: `${m[1]}:${port}` };
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/** Throws unless the address is a unix socket, loopback, or TLS is configured. */
export function assertSafeListen(addr: ParsedAddress, tls: boolean, what: string): void {
  if (addr.kind === 'unix' || tls) return;
  if (!isLoopback(addr.host!)) {
    throw new BatonError(
      'BAD_INPUT',
      `${what} refuses to listen on ${addr.grpc} without TLS: use a unix socket, a loopback address, or --tls-cert/--tls-key/--tls-ca`,
      { where: what },
    );
  }
}
