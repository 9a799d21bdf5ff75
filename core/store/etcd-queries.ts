// Run summaries and event queries on the etcd store (the two were added to the Store beside the
// etcd store, for SQLite): one key per run summary, and QueryEvents as a newest-first scan of the
// event keys with the filters applied to each record. etcd has no secondary index; a filtered
// page reads back until it has `limit` matches, which the console's history pages bound.
import { eventSeverity, eventUser } from '../model/event-severity.js';
import type { EventQuery, EventRecord, RunSummaryRecord, Store } from './store.js';
import { type EtcdKv, pad, prefixEnd } from './etcd-kv.js';

export function etcdRunSummaries(kv: EtcdKv): Pick<Store, 'putRunSummary' | 'getRunSummary'> {
  return {
    async putRunSummary(runNumber, summary) {
      await kv.write([{ put: `runsum/${pad(runNumber)}`, value: JSON.stringify(summary) }]);
    },
    async getRunSummary(runNumber) {
      const text = await kv.get(`runsum/${pad(runNumber)}`);
      return text === null ? null : (JSON.parse(text) as RunSummaryRecord);
    },
  };
}

function matches(e: EventRecord, q: EventQuery, text: string): boolean {
  const kinds = q.kinds.filter(Boolean);
  if (kinds.length && !kinds.some((k) => e.kind.startsWith(k))) return false;
  const body = { kind: e.kind, ...((e.body ?? {}) as object) } as Parameters<typeof eventSeverity>[0];
  if (q.severity && (e.severity ?? eventSeverity(body)) !== q.severity) return false;
  if (q.envId && e.envId !== q.envId) return false;
  if (q.taskId && e.taskId !== q.taskId) return false;
  if (q.user && (e.user ?? eventUser(body)) !== q.user) return false;
  if (q.sinceMs && e.timeMs < q.sinceMs) return false;
  if (q.untilMs && e.timeMs > q.untilMs) return false;
  // like SQLite's LIKE: anywhere in the event's JSON, ASCII case ignored
  if (
    text &&
    !JSON.stringify(e.body ?? '')
      .toLowerCase()
      .includes(text)
  )
    return false;
  return true;
}

export function etcdEventQueries(kv: EtcdKv): Pick<Store, 'queryEvents'> {
  return {
    async queryEvents(q) {
      const out: EventRecord[] = [];
      const text = q.text.toLowerCase();
      const end = q.beforeSeq ? `event/${pad(q.beforeSeq)}` : prefixEnd('event/');
      await kv.scan(
        'event/',
        end,
        (entry) => {
          const e = JSON.parse(entry.value.toString()) as EventRecord;
          if (matches(e, q, text)) out.push(e);
          if (out.length >= q.limit) return false;
        },
        { descending: true },
      );
      return out;
    },
  };
}
