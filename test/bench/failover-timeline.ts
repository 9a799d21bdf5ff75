// What a fail-over bench sees of the leader key: an etcd watch on `<prefix>/leader` records when
// the dead leader's key was deleted (its lease expired) and when a successor created it again
// (won the campaign), in wall-clock milliseconds, so a take-over can be broken down into lease
// expiry, campaign, start of the successor and re-dial of the agents.
import { Etcd3, type Watcher } from 'etcd3';

export interface LeaderKeyChange {
  kind: 'put' | 'delete';
  atMs: number;
  value: string;
}

export interface LeaderKeyTimeline {
  changes: LeaderKeyChange[];
  /** the first change of that kind at or after sinceMs */
  next(kind: LeaderKeyChange['kind'], sinceMs: number): LeaderKeyChange | undefined;
  close(): Promise<void>;
}

export async function watchLeaderKey(endpoint: string, prefix: string): Promise<LeaderKeyTimeline> {
  const client = new Etcd3({ hosts: `http://${endpoint}` });
  const changes: LeaderKeyChange[] = [];
  const watcher: Watcher = await client.watch().key(`/${prefix}/leader`).create();
  watcher.on('put', (kv) => changes.push({ kind: 'put', atMs: Date.now(), value: kv.value.toString() }));
  watcher.on('delete', (kv) => changes.push({ kind: 'delete', atMs: Date.now(), value: kv.value.toString() }));
  return {
    changes,
    next: (kind, sinceMs) => changes.find((c) => c.kind === kind && c.atMs >= sinceMs),
    async close() {
      await watcher.cancel();
      client.close();
    },
  };
}
