// The --store address: `etcd://host:port[,host:port...]/prefix` for an etcd cluster (the prefix
// keeps one Baton cluster's keys apart from anything else in that etcd), `etcds://...` for one
// reached over TLS (with a client certificate: etcd's --client-cert-auth), anything else is the
// embedded SQLite file. Bad input is a BAD_INPUT naming the flag.
import { BatonError } from '../model/errors.js';

export interface EtcdAddress {
  /** the etcd client URLs, `http://host:port` (`https://` for etcds://) */
  hosts: string[];
  /** etcds://: TLS to etcd, with a client certificate */
  secure: boolean;
  /** the key prefix, without a trailing slash (e.g. `/baton/prod`) */
  prefix: string;
}

export function isEtcdUrl(text: string): boolean {
  return text.startsWith('etcd://') || text.startsWith('etcds://');
}

export function parseEtcdUrl(text: string, where = '--store'): EtcdAddress {
  const bad = (why: string) =>
    new BatonError('BAD_INPUT', `${where} ${JSON.stringify(text)}: ${why} (expected etcd://host:port[,host:port]/prefix, or etcds:// for TLS)`, { where });
  if (!isEtcdUrl(text)) throw bad('not an etcd:// address');
  const secure = text.startsWith('etcds://');
  const rest = text.slice(secure ? 'etcds://'.length : 'etcd://'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) throw bad('no key prefix');
  const hostList = rest.slice(0, slash);
  const prefix = rest.slice(slash).replace(/\/+$/, '');
  if (!prefix || prefix === '/') throw bad('the key prefix is empty');
  if (!/^[A-Za-z0-9_.\-/]+$/.test(prefix)) throw bad('the key prefix may hold only letters, digits and _ . - /');
  const hosts = hostList.split(',').map((h) => h.trim());
  if (!hosts.length || hosts.some((h) => !/^[A-Za-z0-9_.\-]+:\d{1,5}$/.test(h) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(h))) {
    throw bad('each etcd endpoint is host:port');
  }
  return { hosts: hosts.map((h) => `${secure ? 'https' : 'http'}://${h}`), prefix, secure };
}
