// The run record, users, holds and the audit trail on etcd (etcd.ts spreads these into its Store).
// Keys: run/<n> runcfg/<n> runcomment/<n>/<seq> envruntype/<env> user/<name> hold/<env>
// audit/<id>; counters meta/run_counter, meta/comment_seq, meta/audit_seq. The audit trail is
// filtered in memory (etcd has no secondary index): fine for the audit rows of a control room,
// and what the SQLite store's indexes make cheap is measured there (docs/performance.md).
import type { AuditRow, HoldRecord, RunCommentRecord, RunConfigRecord, RunMethods, RunRecord, Store, UserRecord } from './store.js';
import { type EtcdKv, pad, prefixEnd } from './etcd-kv.js';

const parse = <T>(text: string): T => JSON.parse(text) as T;

function withDefaults(run: RunRecord): RunRecord {
  return {
    ...run,
    runType: run.runType ?? '',
    envName: run.envName ?? '',
    detectors: run.detectors ?? [],
    startedBy: run.startedBy ?? '',
    stoppedBy: run.stoppedBy ?? '',
    endReason: run.endReason ?? '',
  };
}

export function etcdRuns(kv: EtcdKv): RunMethods {
  const largestStored = async (): Promise<number> => {
    let n = 0;
    await kv.scan(
      'run/',
      prefixEnd('run/'),
      (entry) => {
        n = parse<RunRecord>(entry.value.toString()).runNumber;
        return false;
      },
      { descending: true },
    );
    return n;
  };
  return {
    async nextRunNumber() {
      // one compare-and-swap on the counter: two writers never get the same number, and a
      // deposed leader's fenced swap fails. Like SQLite: above any run stored without the counter.
      return kv.advance('meta/run_counter', async (current) => Math.max(current, await largestStored()) + 1);
    },
    async lastRunNumber() {
      return Math.max(Number((await kv.get('meta/run_counter')) ?? 0), await largestStored());
    },
    async putRun(run) {
      await kv.write([{ put: `run/${pad(run.runNumber)}`, value: JSON.stringify(withDefaults(run)) }]);
    },
    async listRuns(opts) {
      const limit = opts?.limit && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
      const out: RunRecord[] = [];
      await kv.scan(
        'run/',
        prefixEnd('run/'),
        (entry) => {
          const run = parse<RunRecord>(entry.value.toString());
          if (opts?.envId && run.envId !== opts.envId) return;
          out.push(run);
          if (out.length >= limit) return false;
        },
        { descending: true },
      );
      return out;
    },
    async getRun(runNumber) {
      const text = await kv.get(`run/${pad(runNumber)}`);
      return text === null ? null : parse<RunRecord>(text);
    },
    async endRun(runNumber, end) {
      const text = await kv.get(`run/${pad(runNumber)}`);
      if (text === null) return false;
      await kv.write([{ put: `run/${pad(runNumber)}`, value: JSON.stringify({ ...parse<RunRecord>(text), ...end }) }]);
      return true;
    },
    async putRunConfig(runNumber, config) {
      await kv.write([{ put: `runcfg/${pad(runNumber)}`, value: JSON.stringify(config) }]);
    },
    async getRunConfig(runNumber) {
      const text = await kv.get(`runcfg/${pad(runNumber)}`);
      return text === null ? null : parse<RunConfigRecord>(text);
    },
    async addRunComment(comment) {
      const seq = (await kv.allocate('meta/comment_seq', 1)) + 1;
      await kv.write([{ put: `runcomment/${pad(comment.runNumber)}/${pad(seq)}`, value: JSON.stringify(comment) }]);
    },
    async listRunComments(runNumber) {
      return (await kv.values(`runcomment/${pad(runNumber)}/`)).map((t) => parse<RunCommentRecord>(t));
    },
    async putEnvRunType(envId, runType) {
      await kv.write([{ put: `envruntype/${envId}`, value: runType }]);
    },
    async getEnvRunType(envId) {
      return (await kv.get(`envruntype/${envId}`)) ?? '';
    },
  };
}

export function etcdUsers(kv: EtcdKv): Pick<Store, 'putUser' | 'deleteUser' | 'listUsers'> {
  return {
    async putUser(user) {
      // like SQLite's upsert: a user keeps the time it was created
      const old = await kv.get(`user/${user.name}`);
      const createdMs = old === null ? user.createdMs : parse<UserRecord>(old).createdMs;
      await kv.write([{ put: `user/${user.name}`, value: JSON.stringify({ ...user, createdMs }) }]);
    },
    async deleteUser(name) {
      await kv.write([{ delete: `user/${name}` }]);
    },
    async listUsers() {
      return (await kv.values('user/')).map((t) => parse<UserRecord>(t));
    },
  };
}

export function etcdHolds(kv: EtcdKv): Pick<Store, 'putHold' | 'deleteHold' | 'listHolds'> {
  return {
    async putHold(hold) {
      await kv.write([{ put: `hold/${hold.envId}`, value: JSON.stringify(hold) }]);
    },
    async deleteHold(envId) {
      await kv.write([{ delete: `hold/${envId}` }]);
    },
    async listHolds() {
      return (await kv.values('hold/')).map((t) => parse<HoldRecord>(t));
    },
  };
}

export function etcdAudit(kv: EtcdKv): Pick<Store, 'appendAudit' | 'listAudit'> {
  return {
    async appendAudit(row) {
      const id = (await kv.allocate('meta/audit_seq', 1)) + 1;
      await kv.write([{ put: `audit/${pad(id)}`, value: JSON.stringify({ ...row, id }) }]);
      return id;
    },
    async listAudit(filter) {
      const rows: AuditRow[] = [];
      await kv.scan('audit/', prefixEnd('audit/'), (entry) => {
        const r = parse<AuditRow>(entry.value.toString());
        if (filter.user && r.user !== filter.user) return;
        if (filter.envId && r.envId !== filter.envId) return;
        if (filter.sinceMs && r.timeMs < filter.sinceMs) return;
        if (filter.untilMs && r.timeMs > filter.untilMs) return;
        rows.push(r);
      });
      rows.sort((a, b) => b.timeMs - a.timeMs || b.id - a.id);
      return rows.slice(0, filter.limit);
    },
  };
}
