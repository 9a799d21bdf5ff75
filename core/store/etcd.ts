// The Store on etcd (`--store etcd://host:port[,host:port]/prefix`): what the controllers of one
// cluster share, so that the one elected leader (controller/cluster/) finds everything its
// predecessor wrote. One key per record, JSON values, under the prefix:
//   meta/<key>  env/<id>  envx/<id> (expanded workflow, packed, a blob)  task/<env>/<task>
//   tvec/<env>  tplace/<env> (blobs)  intent/<env>  node/<name>  event/<seq>  (+ etcd-records.ts)
// Every write is a transaction fenced on the leader's key once the cluster code sets the fence.
import { BatonError } from '../model/errors.js';
import type { EnvRecord, EventRecord, IntentRecord, NodeRecord, Store, TaskRecord } from './store.js';
import { EtcdKv, type EtcdTls, type Op, pad, prefixEnd } from './etcd-kv.js';
import type { EtcdAddress } from './etcd-url.js';
import { packExpanded, unpackExpanded } from './pack.js';
import { etcdAudit, etcdHolds, etcdRuns, etcdUsers } from './etcd-records.js';
import { etcdEventQueries, etcdRunSummaries } from './etcd-queries.js';
import { SCHEMA_VERSION } from './sqlite-schema.js';

export interface EtcdStore extends Store {
  /** the connection (the cluster code campaigns on the same client) */
  readonly kv: EtcdKv;
}

type StoredEnv = Omit<EnvRecord, 'expanded'>;

const parse = <T>(text: string): T => JSON.parse(text) as T;

/** Opens the store (checks that etcd answers). etcds:// needs `tls`: the CA of etcd's certificate
 *  and the client certificate etcd requires (--client-cert-auth). */
export async function openEtcdStore(address: EtcdAddress, tls?: EtcdTls): Promise<EtcdStore> {
  if (address.secure && !tls) {
    throw new BatonError('BAD_INPUT', `etcd store ${address.hosts.join(',')}: etcds:// needs the CA, a client certificate and its key`, {
      where: '--store-ca',
    });
  }
  if (!address.secure && tls) {
    throw new BatonError('BAD_INPUT', `etcd store ${address.hosts.join(',')}: TLS files given for etcd:// (use etcds:// to reach etcd over TLS)`, {
      where: '--store',
    });
  }
  const kv = new EtcdKv(address, tls);
  try {
    if ((await kv.get('meta/schema_version')) === null) await kv.write([{ put: 'meta/schema_version', value: String(SCHEMA_VERSION) }]);
  } catch (e) {
    kv.close();
    throw new BatonError('UNAVAILABLE', `etcd store ${address.hosts.join(',')}: ${(e as Error).message}`, { where: '--store' });
  }

  const readEnv = async (stored: StoredEnv): Promise<EnvRecord> => {
    const text = await kv.getBlob(`envx/${stored.id}`);
    return { ...stored, expanded: text === null ? null : unpackExpanded(JSON.parse(text)) };
  };

  let closed = false;
  const store: EtcdStore = {
    kv,
    describe: `etcd:${address.hosts.join(',')}${address.prefix}`,

    async putEnvironment(env) {
      const { expanded, ...rest } = env;
      await kv.putBlob(`envx/${env.id}`, JSON.stringify(packExpanded(expanded ?? null)), [{ put: `env/${env.id}`, value: JSON.stringify(rest) }]);
    },
    async patchEnvironment(id, patch) {
      const text = await kv.get(`env/${id}`);
      if (text === null) return;
      const { expanded: _ignored, ...fields } = patch as Partial<EnvRecord>;
      await kv.write([{ put: `env/${id}`, value: JSON.stringify({ ...parse<StoredEnv>(text), ...fields, id }) }]);
    },
    async getEnvironment(id) {
      const text = await kv.get(`env/${id}`);
      return text === null ? null : readEnv(parse<StoredEnv>(text));
    },
    async listEnvironments(opts) {
      const stored = (await kv.values('env/')).map((t) => parse<StoredEnv>(t)).filter((e) => opts?.includeDestroyed || !e.destroyed);
      stored.sort((a, b) => a.createdMs - b.createdMs);
      const out: EnvRecord[] = [];
      for (const e of stored) out.push(await readEnv(e));
      return out;
    },

    async putTasks(tasks) {
      await kv.write(tasks.map((t) => ({ put: `task/${t.envId}/${t.id}`, value: JSON.stringify({ ...t, addresses: t.addresses ?? {} }) })));
    },
    async putTaskExits(tasks) {
      // one record per task: an exit rewrites it whole (a read of each first would cost more)
      await store.putTasks(tasks);
    },
    async putTaskStateVector(envId, vector) {
      await kv.putBlob(`tvec/${envId}`, vector);
    },
    async getTaskStateVector(envId) {
      return kv.getBlob(`tvec/${envId}`);
    },
    async putTaskPlacement(envId, nodes) {
      await kv.putBlob(`tplace/${envId}`, JSON.stringify(nodes));
    },
    async getTaskPlacement(envId) {
      const text = await kv.getBlob(`tplace/${envId}`);
      return text === null ? null : parse<string[]>(text);
    },
    async listTasks(envId) {
      return (await kv.values(`task/${envId}/`)).map((t) => parse<TaskRecord>(t));
    },
    async deleteTasks(envId) {
      await kv.write([{ deletePrefix: `task/${envId}/` }, ...kv.deleteBlobOps(`tvec/${envId}`), ...kv.deleteBlobOps(`tplace/${envId}`)]);
    },

    ...etcdRuns(kv),

    async putIntent(intent) {
      await kv.write([{ put: `intent/${intent.envId}`, value: JSON.stringify(intent) }]);
    },
    async deleteIntent(envId) {
      await kv.write([{ delete: `intent/${envId}` }]);
    },
    async listIntents() {
      return (await kv.values('intent/')).map((t) => parse<IntentRecord>(t)).sort((a, b) => a.startedMs - b.startedMs);
    },

    async putNode(node) {
      // like SQLite's upsert: a node keeps the time it was first added
      const old = await kv.get(`node/${node.name}`);
      const addedMs = old === null ? node.addedMs : parse<NodeRecord>(old).addedMs;
      await kv.write([{ put: `node/${node.name}`, value: JSON.stringify({ ...node, labels: node.labels ?? {}, addedMs }) }]);
    },
    async deleteNode(name) {
      await kv.write([{ delete: `node/${name}` }]);
    },
    async listNodes() {
      return (await kv.values('node/')).map((t) => parse<NodeRecord>(t));
    },

    async appendEvents(events) {
      if (!events.length) return [];
      const first = (await kv.allocate('meta/event_seq', events.length)) + 1;
      const seqs = events.map((_, i) => first + i);
      const ops: Op[] = events.map((e, i) => ({ put: `event/${pad(seqs[i]!)}`, value: JSON.stringify({ ...e, body: e.body ?? null, seq: seqs[i] }) }));
      await kv.write(ops);
      return seqs;
    },
    async readEvents(afterSeq, opts) {
      const limit = opts?.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
      const out: EventRecord[] = [];
      await kv.scan(`event/${pad(afterSeq + 1)}`, prefixEnd('event/'), (entry) => {
        const e = parse<EventRecord>(entry.value.toString());
        if (opts?.envId && e.envId !== opts.envId) return;
        out.push(e);
        if (out.length >= limit) return false;
      });
      return out;
    },
    async lastEventSeq() {
      // the last stored event, like SQLite's MAX(seq); new seqs come from the counter, so seqs a
      // writer allocated but died before writing are never given again
      let last = 0;
      await kv.scan(
        'event/',
        prefixEnd('event/'),
        (entry) => {
          last = parse<EventRecord>(entry.value.toString()).seq;
          return false;
        },
        { descending: true },
      );
      return last;
    },

    ...etcdUsers(kv),
    ...etcdHolds(kv),
    ...etcdRunSummaries(kv),
    ...etcdEventQueries(kv),
    ...etcdAudit(kv),

    async getMeta(key) {
      return kv.get(`meta/${key}`);
    },
    async setMeta(key, value) {
      await kv.write([{ put: `meta/${key}`, value }]);
    },

    async close() {
      if (closed) return;
      closed = true;
      kv.close();
    },
  };
  return store;
}
