// What the etcd store stands on: one namespace of keys, writes as transactions fenced on the
// leader's key, counters allocated by compare-and-swap, values too large for one etcd request
// split into chunks, and range reads in pages. etcd limits a request to 1.5 MiB and a
// transaction to 128 operations by default: a batch larger than that is written in several
// transactions (each fenced), so it is atomic per chunk, not as a whole (docs/reliability.md).
import { type ComparatorBuilder, Etcd3, type IKeyValue, type Namespace } from 'etcd3';
import { BatonError } from '../model/errors.js';
import type { EtcdAddress } from './etcd-url.js';

/** The leader's election key and the revision that created it: a write commits only while that
 *  key still exists with that revision, so a controller whose lease lapsed writes nothing. */
export interface Fence {
  key: string;
  createRevision: string;
}

/** TLS to etcd (etcds://): PEM bytes; the CA that signed etcd's certificate, this client's own */
export interface EtcdTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** a put or a delete inside a transaction */
export type Op = { put: string; value: string } | { deletePrefix: string } | { delete: string };

const OPS_PER_TXN = 100;
const BYTES_PER_TXN = 1 << 20;
/** a blob larger than this goes in chunks of this size */
export const CHUNK_BYTES = 512 * 1024;
const PAGE = 1000;
/** every unary etcd call has a deadline, so an unreachable etcd fails a write instead of hanging it */
const CALL_DEADLINE_MS = 5000;

export function pad(n: number): string {
  return String(n).padStart(16, '0');
}

export class EtcdKv {
  readonly client: Etcd3;
  readonly ns: Namespace;
  fence: Fence | null = null;

  /** tls: the CA that signed etcd's certificate and this client's certificate and key (etcds://) */
  constructor(address: EtcdAddress, tls?: EtcdTls) {
    this.client = new Etcd3({
      hosts: address.hosts,
      ...(tls ? { credentials: { rootCertificate: tls.ca, certChain: tls.cert, privateKey: tls.key } } : {}),
      dialTimeout: 3000,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
    });
    this.ns = this.client.namespace(`${address.prefix}/`);
  }

  /** A transaction guarded by the fence (or by a compare that always holds). */
  private txn(): ComparatorBuilder {
    if (this.fence) return this.ns.if(this.fence.key, 'Create', '==', this.fence.createRevision);
    // a transaction needs a compare: a key's version is never negative
    return this.ns.if('meta/schema_version', 'Version', '>', -1);
  }

  private lostLeadership(): BatonError {
    return new BatonError('NOT_LEADER', `this controller no longer holds the leader key ${this.fence?.key}: it writes nothing more`, {
      where: 'store',
    });
  }

  private build(b: ComparatorBuilder, ops: Op[]): ComparatorBuilder {
    return b.then(
      ...ops.map((op) =>
        'put' in op ? this.ns.put(op.put).value(op.value) : 'delete' in op ? this.ns.delete().key(op.delete) : this.ns.delete().prefix(op.deletePrefix),
      ),
    );
  }

  /** Commits ops in as few fenced transactions as etcd's limits allow, in order. */
  async write(ops: Op[]): Promise<void> {
    let start = 0;
    while (start < ops.length) {
      let end = start;
      let bytes = 0;
      while (end < ops.length && end - start < OPS_PER_TXN) {
        const op = ops[end]!;
        const size = 'put' in op ? op.put.length + op.value.length : 64;
        if (end > start && bytes + size > BYTES_PER_TXN) break;
        bytes += size;
        end++;
      }
      const result = await this.build(this.txn(), ops.slice(start, end)).commit();
      if (!result.succeeded) throw this.lostLeadership();
      start = end;
    }
  }

  /** Adds count to the counter at key and returns its old value. */
  async allocate(key: string, count: number): Promise<number> {
    return (await this.advance(key, async (current) => current + count)) - count;
  }

  /** Sets the counter at key to next(current) and returns that, by compare-and-swap on the key's
   *  modification revision (retried when another writer came first). */
  async advance(key: string, next: (current: number) => Promise<number>): Promise<number> {
    for (;;) {
      const got = await this.ns.get(key).exec();
      const kv = got.kvs[0];
      const value = await next(kv ? Number(kv.value.toString()) : 0);
      let b = this.ns.if(key, 'Mod', '==', kv ? kv.mod_revision : 0);
      if (this.fence) b = b.and(this.fence.key, 'Create', '==', this.fence.createRevision);
      const result = await b.then(this.ns.put(key).value(String(value))).commit();
      if (result.succeeded) return value;
      if (this.fence && !(await this.holdsFence())) throw this.lostLeadership();
    }
  }

  private async holdsFence(): Promise<boolean> {
    const got = await this.ns.get(this.fence!.key).exec();
    return got.kvs[0]?.create_revision === this.fence!.createRevision;
  }

  async get(key: string): Promise<string | null> {
    return this.ns.get(key).string();
  }

  /** Keys in [from, to) in key order (or reverse), in pages; stops when visit returns false. */
  async scan(from: string, to: string, visit: (kv: IKeyValue) => boolean | void, opts: { descending?: boolean } = {}): Promise<void> {
    let low = from;
    let high = to;
    for (;;) {
      const page = await this.ns
        .getAll()
        .inRange({ start: low, end: high })
        .sort('Key', opts.descending ? 'Descend' : 'Ascend')
        .limit(PAGE)
        .exec();
      for (const kv of page.kvs) if (visit(kv) === false) return;
      if (!page.more || page.kvs.length === 0) return;
      const last = page.kvs[page.kvs.length - 1]!.key.toString();
      if (opts.descending) high = last;
      else low = `${last}\0`;
    }
  }

  /** Every value under a prefix, in key order. */
  async values(prefix: string): Promise<string[]> {
    const out: string[] = [];
    await this.scan(prefix, prefixEnd(prefix), (kv) => {
      out.push(kv.value.toString());
    });
    return out;
  }

  /** A value of any size: inline when small, else chunks written first and a manifest switched
   *  to them in the last transaction, so a reader never sees half of a new value. */
  async putBlob(key: string, text: string, extra: Op[] = []): Promise<void> {
    const old = await this.get(key);
    const oldChunks: Op[] = old?.startsWith('@') ? [{ deletePrefix: `${key}/${old.slice(1).split(':')[0]}/` }] : [];
    if (text.length <= CHUNK_BYTES) {
      await this.write([{ put: key, value: `=${text}` }, ...oldChunks, ...extra]);
      return;
    }
    const generation = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const chunks: Op[] = [];
    for (let i = 0, n = 0; i < text.length; i += CHUNK_BYTES, n++) {
      chunks.push({ put: `${key}/${generation}/${String(n).padStart(6, '0')}`, value: text.slice(i, i + CHUNK_BYTES) });
    }
    await this.write(chunks);
    await this.write([{ put: key, value: `@${generation}:${chunks.length}` }, ...oldChunks, ...extra]);
  }

  async getBlob(key: string): Promise<string | null> {
    const manifest = await this.get(key);
    return manifest === null ? null : this.readManifest(key, manifest);
  }

  async readManifest(key: string, manifest: string): Promise<string> {
    if (manifest.startsWith('=')) return manifest.slice(1);
    const [generation, count] = manifest.slice(1).split(':');
    const parts = await this.values(`${key}/${generation}/`);
    if (parts.length !== Number(count)) {
      throw new BatonError('INTERNAL', `etcd store: ${key} has ${parts.length} of its ${count} chunks`, { where: 'store' });
    }
    return parts.join('');
  }

  /** The ops that delete a blob and its chunks. */
  deleteBlobOps(key: string): Op[] {
    return [{ delete: key }, { deletePrefix: `${key}/` }];
  }

  close(): void {
    this.client.close();
  }
}

/** The first key after every key that starts with prefix. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
