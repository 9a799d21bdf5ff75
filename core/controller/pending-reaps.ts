// Tasks of destroyed (or EXITed) environments that still await reaping: their agent was away
// (down, or lost during the destroy or EXIT) when the kill was due, so they may still run. The
// destroy names them (the reply's awaiting_reap, the env.destroyed event), the EXIT too (its
// env.transition event; the tasks stay lost in their DONE environment, transitions/exit.ts); the
// controller keeps them per node until the agent says Hello again. Its Hello lists what it still
// runs: those tasks belong to no live environment and are reaped by the resync (hello.ts sends the
// agent a reap, a graded kill; an EXITed task's exit makes it DONE); the rest had already ended
// (controlled tasks end themselves after their orphan grace). Either way the record is settled
// and a node.reaped event says which were killed and which had ended.
// The record lives in memory: a controller restarted meanwhile forgets it, and the resync still
// reaps every task no environment owns; only the event is lost.
import type { AwaitingReap } from '../rpc/gen/control.js';
import type { EventInput } from './events/bus.js';
import type { TaskRuntime } from './model/task.js';

/** What this file needs of the controller (ControllerCore is one). */
export interface ReapHost {
  readonly nodes: { get(name: string): { up: boolean; link: unknown } | undefined };
  emit(e: EventInput): void;
}

const records = new WeakMap<ReapHost, Map<string, Map<string, AwaitingReap>>>();

function recordOf(controller: ReapHost): Map<string, Map<string, AwaitingReap>> {
  let r = records.get(controller);
  if (!r) records.set(controller, (r = new Map()));
  return r;
}

/** the node is connected: a kill sent to it is carried out (or its loss is noticed) */
export function nodeReachable(controller: ReapHost, node: string): boolean {
  const n = controller.nodes.get(node);
  return !!n && n.up && n.link !== null;
}

/** Tasks that may have a process and whose node is away now: a kill cannot reach them. */
export function unreachableTasks(controller: ReapHost, tasks: readonly TaskRuntime[]): Set<TaskRuntime> {
  const out = new Set<TaskRuntime>();
  for (const t of tasks) if ((t.launched || t.lost) && t.node && !nodeReachable(controller, t.node)) out.add(t);
  return out;
}

/** Keeps the tasks as awaiting reaping on their nodes and returns them (sorted by node, task). */
export function recordAwaitingReap(controller: ReapHost, tasks: Iterable<TaskRuntime>): AwaitingReap[] {
  const record = recordOf(controller);
  const out: AwaitingReap[] = [];
  for (const t of tasks) {
    const item: AwaitingReap = { taskId: t.id, taskName: t.name, node: t.node, pid: t.pid, envId: t.env.id };
    let onNode = record.get(t.node);
    if (!onNode) record.set(t.node, (onNode = new Map()));
    onNode.set(t.id, item);
    out.push(item);
  }
  return out.sort((a, b) => a.node.localeCompare(b.node) || a.taskName.localeCompare(b.taskName));
}

/** `taskId` is on record as awaiting reaping on `node`. */
export function isAwaitingReap(controller: ReapHost, node: string, taskId: string): boolean {
  return !!recordOf(controller).get(node)?.has(taskId);
}

/** What still awaits reaping on `node` (every node without one). */
export function awaitingReap(controller: ReapHost, node?: string): AwaitingReap[] {
  const record = recordOf(controller);
  const nodes = node === undefined ? [...record.values()] : [record.get(node) ?? new Map<string, AwaitingReap>()];
  return nodes.flatMap((m) => [...m.values()]);
}

/**
 * The agent of `node` said Hello listing `running` (task ids). The recorded tasks it still runs
 * are being reaped by the resync; the others had ended. Settles the record and says so.
 */
export function settleOnHello(controller: ReapHost, node: string, running: ReadonlySet<string>): { reaped: AwaitingReap[]; ended: AwaitingReap[] } {
  const record = recordOf(controller);
  const onNode = record.get(node);
  if (!onNode?.size) return { reaped: [], ended: [] };
  record.delete(node);
  const reaped = [...onNode.values()].filter((x) => running.has(x.taskId));
  const ended = [...onNode.values()].filter((x) => !running.has(x.taskId));
  const names = (xs: AwaitingReap[]) => xs.map((x) => `${x.envId}/${x.taskName}`).join(',');
  controller.emit({
    kind: 'node.reaped',
    node,
    message: `node ${node} is back: ${reaped.length} task(s) of destroyed or EXITed environments reaped, ${ended.length} had already ended`,
    data: { reaped: names(reaped), ended: names(ended), count: String(onNode.size) },
  });
  return { reaped, ended };
}
