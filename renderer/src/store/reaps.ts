// Tasks of destroyed environments awaiting reaping, per node: filled from the DestroyEnvironment
// reply and the env.destroyed event (data.awaitingReap = "node:taskId,…"), settled by node.reaped
// when the node's agent is back. Pure: each change returns a new map.
import type { AwaitingReap, Event, Task } from '../../../core/rpc/gen/control.js';

export type ReapRecord = Map<string, AwaitingReap[]>;

export function addReaps(record: ReapRecord, items: readonly AwaitingReap[]): ReapRecord {
  if (!items.length) return record;
  const next = new Map(record);
  for (const x of items) {
    const list = (next.get(x.node) ?? []).filter((y) => y.taskId !== x.taskId);
    // a name already known (from the reply) is kept over the bare id an event carries
    const old = (record.get(x.node) ?? []).find((y) => y.taskId === x.taskId);
    list.push(old && old.taskName !== old.taskId && x.taskName === x.taskId ? old : x);
    next.set(
      x.node,
      list.sort((a, b) => a.taskName.localeCompare(b.taskName, undefined, { numeric: true })),
    );
  }
  return next;
}

/** The tasks an env.destroyed event names; names and pids from the tasks this page knew. */
export function reapsFromDestroyed(ev: Event, known: (id: string) => Task | undefined): AwaitingReap[] {
  const raw = ev.data.awaitingReap;
  if (!raw) return [];
  const out: AwaitingReap[] = [];
  for (const item of raw.split(',')) {
    const at = item.indexOf(':');
    if (at <= 0) continue;
    const node = item.slice(0, at);
    const taskId = item.slice(at + 1);
    const t = known(taskId);
    out.push({ node, taskId, taskName: t?.name ?? taskId, pid: t?.pid ?? 0, envId: ev.envId });
  }
  return out;
}

/** node.reaped: the agent is back and the record of that node is settled. */
export function settleNode(record: ReapRecord, node: string): ReapRecord {
  if (!record.has(node)) return record;
  const next = new Map(record);
  next.delete(node);
  return next;
}

/** What still awaits reaping of one (destroyed) environment, per node. */
export function reapsOfEnv(record: ReapRecord, envId: string): [string, AwaitingReap[]][] {
  const out: [string, AwaitingReap[]][] = [];
  for (const [node, list] of record) {
    const mine = list.filter((x) => x.envId === envId);
    if (mine.length) out.push([node, mine]);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true }));
}
