// Mutual TLS, shared by the agent, the controller and the clients (docs/design.md, "Rules": an agent takes
// commands only from its controller, over loopback or a unix socket, else over mutual TLS).
// Certificates are PEM: given as text, a Buffer, or the path of a PEM file.
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { BatonError } from '../model/errors.js';
import { isLoopback, type ParsedAddress } from './address.js';

export interface TlsFiles {
  /** PEM text, a Buffer, or a path to a PEM file: this side's certificate */
  cert: string | Buffer;
  key: string | Buffer;
  /** the CA that signs the peer's certificate (both sides present one: mutual TLS) */
  ca: string | Buffer;
}

export interface TlsPem {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

const PARTS = ['cert', 'key', 'ca'] as const;

/** PEM bytes from text, a Buffer or a file path; a file that cannot be read is a BAD_INPUT naming it. */
export function loadPem(v: string | Buffer, who: string, part: string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string' && v.includes('-----BEGIN')) return Buffer.from(v);
  if (typeof v !== 'string' || !v) {
    throw new BatonError('BAD_INPUT', `${who} tls.${part}: expected PEM text, a Buffer or a file path`, { where: `tls.${part}` });
  }
  try {
    return fs.readFileSync(v);
  } catch (e) {
    throw new BatonError('BAD_INPUT', `${who} tls.${part}: cannot read ${v}: ${(e as Error).message}`, { where: `tls.${part}` });
  }
}

/** Loads all three parts (or nothing when tls is not given). */
export function loadTls(tls: TlsFiles | undefined, who: string): TlsPem | undefined {
  if (!tls) return undefined;
  const missing = PARTS.filter((p) => !tls[p]);
  if (missing.length) {
    throw new BatonError('BAD_INPUT', `${who}: mutual TLS needs cert, key and ca; missing ${missing.join(', ')}`, { where: `tls.${missing[0]}` });
  }
  return { cert: loadPem(tls.cert, who, 'cert'), key: loadPem(tls.key, who, 'key'), ca: loadPem(tls.ca, who, 'ca') };
}

const FLAG_NAMES = { cert: '--tls-cert', key: '--tls-key', ca: '--tls-ca' };

/** TlsFiles from command-line style values: all three or none; a partial set names the missing
 *  flags (or environment variables: pass their names). */
export function tlsFromFlags(v: { cert?: string; key?: string; ca?: string }, names: Record<'cert' | 'key' | 'ca', string> = FLAG_NAMES): TlsFiles | undefined {
  const given = PARTS.filter((p) => v[p]);
  if (!given.length) return undefined;
  const missing = PARTS.filter((p) => !v[p]);
  if (missing.length) {
    const named = missing.map((p) => names[p]);
    throw new BatonError('BAD_INPUT', `mutual TLS needs a certificate, its key and the CA: missing ${named.join(', ')}`, { where: named[0] });
  }
  return { cert: v.cert!, key: v.key!, ca: v.ca! };
}

/** The names of the environment variables a client takes its TLS files from. */
export const TLS_ENV_NAMES = { cert: 'BATON_TLS_CERT', key: 'BATON_TLS_KEY', ca: 'BATON_TLS_CA' } as const;

/** TlsFiles from BATON_TLS_CERT, BATON_TLS_KEY, BATON_TLS_CA (all three or none). */
export function tlsFromEnvironment(env: NodeJS.ProcessEnv = process.env): TlsFiles | undefined {
  return tlsFromFlags(
    {
      cert: env[TLS_ENV_NAMES.cert] || undefined,
      key: env[TLS_ENV_NAMES.key] || undefined,
      ca: env[TLS_ENV_NAMES.ca] || undefined,
    },
    TLS_ENV_NAMES,
  );
}

/** Server credentials for addr: mutual TLS (a client certificate signed by the CA is required) on a tcp
 *  address when tls is given; a unix socket stays in the clear (file permissions guard it, and every
 *  client dials one without TLS: channelCredentials). */
export function serverCredentials(addr: ParsedAddress, tls: TlsPem | undefined): grpc.ServerCredentials {
  return tls && addr.kind === 'tcp'
    ? grpc.ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.cert, private_key: tls.key }], true)
    : grpc.ServerCredentials.createInsecure();
}

/**
 * Credentials to dial addr: a unix socket is always insecure; a tcp address uses mutual TLS when tls
 * is given; without it only a loopback address may be dialled (in the clear), anything else is a
 * BAD_INPUT naming the address and the missing flags.
 */
export function channelCredentials(addr: ParsedAddress, tls: TlsPem | undefined, what: string): grpc.ChannelCredentials {
  if (addr.kind === 'unix') return grpc.credentials.createInsecure();
  if (tls) return grpc.credentials.createSsl(tls.ca, tls.key, tls.cert);
  if (isLoopback(addr.host!)) return grpc.credentials.createInsecure();
  throw new BatonError('BAD_INPUT', `${what} ${addr.grpc} is not on this machine: dialling it needs mutual TLS (--tls-cert, --tls-key, --tls-ca)`, {
    where: what,
    data: { address: addr.grpc },
  });
}
