// The host-key check of `baton node bootstrap`: the node's key must be the one its known_hosts
// file (OpenSSH's format) lists for it; an unknown host or a different key is refused, never
// learnt on the fly. ssh2 leaves this check to its caller and no kept library reads known_hosts,
// so the few rules used here are written out: plain and hashed (|1|salt|hash) names, `[host]:port`
// for a port other than 22, comma-separated patterns with * and ?, negation (!pattern) and the
// @revoked marker (@cert-authority lines are skipped: certificates are not used for host keys here).
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';

export interface KnownKey {
  type: string;
  /** the key blob (the base64 field, decoded): what ssh2's hostVerifier is given */
  blob: Buffer;
  revoked: boolean;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function patternsMatch(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) matched = true;
  }
  return matched;
}

/** The name known_hosts lists a host under: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The keys `file` lists for host:port (none when the file does not exist). */
export function knownKeys(file: string, host: string, port: number): KnownKey[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const name = knownHostsName(host, port);
  const keys: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]!.startsWith('@')) {
      const marker = fields.shift();
      if (marker === '@cert-authority') continue;
      revoked = marker === '@revoked';
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64 || !patternsMatch(hosts, name)) continue;
    keys.push({ type, blob: Buffer.from(b64, 'base64'), revoked });
  }
  return keys;
}

export type HostKeyVerdict = 'ok' | 'unknown' | 'mismatch' | 'revoked';

/** Whether `blob` (the key the host presented) is a key known_hosts lists for it. */
export function verdictOf(keys: KnownKey[], blob: Buffer): HostKeyVerdict {
  if (keys.some((k) => k.revoked && k.blob.equals(blob))) return 'revoked';
  const good = keys.filter((k) => !k.revoked);
  if (!good.length) return 'unknown';
  return good.some((k) => k.blob.equals(blob)) ? 'ok' : 'mismatch';
}

/** A known_hosts line for a key blob (tests and docs). */
export function knownHostsLine(host: string, port: number, type: string, blob: Buffer): string {
  return `${knownHostsName(host, port)} ${type} ${blob.toString('base64')}`;
}
