// Run summaries (docs/observability.md, "Run summaries"): when a run opens, each task's channel
// counters and restart count are noted; when it ends (STOP_ACTIVITY or an abort), what flowed on
// each channel edge and which tasks restarted since then is stored with the run.
//
// The counters are the tasks' own (messages and bytes since the task started), as the last
// heartbeat brought them: a run's totals miss at most its last second. A task restarted during
// the run starts its counters again: it counts from its restart (what it moved before the crash
// is lost to the summary, not to the rates the console showed).
import type { ChannelCounter } from '../../rpc/gen/common.js';
import type { RunSummaryRecord } from '../../store/store.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { collectionOf, taskLabelLimit } from '../metrics/labels.js';

interface Totals {
  messages: number;
  bytes: number;
}

interface Baseline {
  counters: Map<TaskRuntime, Map<string, Totals>>;
  restarts: Map<TaskRuntime, number>;
}

const baselines = new WeakMap<EnvRuntime, Baseline>();

/** Notes where every task's counters stand as the environment's run opens. */
export function noteRunBaseline(env: EnvRuntime): void {
  const counters = new Map<TaskRuntime, Map<string, Totals>>();
  const restarts = new Map<TaskRuntime, number>();
  for (const t of env.active) {
    if (t.counters.length) counters.set(t, new Map(t.counters.map((c) => [c.channel, { messages: c.messages, bytes: c.bytes }])));
    if (t.restarts) restarts.set(t, t.restarts);
  }
  baselines.set(env, { counters, restarts });
}

/** What a task moved on a channel since the baseline (from its restart, if its counter went back). */
function moved(t: TaskRuntime | undefined, channel: string, base: Baseline | undefined): Totals | undefined {
  const c: ChannelCounter | undefined = t?.counters.find((x) => x.channel === channel);
  if (!c) return undefined;
  const b = base?.counters.get(t!)?.get(channel);
  if (!b || c.messages < b.messages || c.bytes < b.bytes) return { messages: c.messages, bytes: c.bytes };
  return { messages: c.messages - b.messages, bytes: c.bytes - b.bytes };
}

/** One edge's share of its sides' totals: the same rule as the live rates (rates.ts). */
function edgeShare(bind: Totals | undefined, connect: Totals | undefined, bindEdges: number, connectEdges: number): Totals {
  if (connect && connectEdges <= 1) return connect;
  if (bind && bindEdges <= 1) return bind;
  if (connect) return { messages: Math.round(connect.messages / connectEdges), bytes: Math.round(connect.bytes / connectEdges) };
  if (bind) return { messages: Math.round(bind.messages / bindEdges), bytes: Math.round(bind.bytes / bindEdges) };
  return { messages: 0, bytes: 0 };
}

/** The summary of the environment's run as it ends, `durationMs` long. */
export function runSummary(env: EnvRuntime, durationMs: number, perTask: boolean): RunSummaryRecord {
  const base = baselines.get(env);
  const label = (role: string) => (perTask ? role : collectionOf(role));
  const specs = env.expanded.channels ?? [];
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const bindEdges = new Map<string, number>();
  const connectEdges = new Map<string, number>();
  for (const e of specs) {
    count(bindEdges, `${e.from.role}\u0000${e.from.channel}`);
    count(connectEdges, `${e.to.role}\u0000${e.to.channel}`);
  }
  const channels = new Map<string, RunSummaryRecord['channels'][number]>();
  for (const e of specs) {
    const share = edgeShare(
      moved(env.byRole.get(e.from.role), e.from.channel, base),
      moved(env.byRole.get(e.to.role), e.to.channel, base),
      bindEdges.get(`${e.from.role}\u0000${e.from.channel}`) ?? 1,
      connectEdges.get(`${e.to.role}\u0000${e.to.channel}`) ?? 1,
    );
    const from = `${label(e.from.role)}:${e.from.channel}`;
    const to = `${label(e.to.role)}:${e.to.channel}`;
    const key = `${from}\u0000${to}`;
    const line = channels.get(key) ?? { from, to, type: e.type, messages: 0, bytes: 0, msgRate: 0, byteRate: 0 };
    line.messages += share.messages;
    line.bytes += share.bytes;
    channels.set(key, line);
  }
  const seconds = durationMs / 1000;
  for (const line of channels.values()) {
    line.msgRate = seconds > 0 ? line.messages / seconds : 0;
    line.byteRate = seconds > 0 ? line.bytes / seconds : 0;
  }
  const restarts = new Map<string, number>();
  let restartsTotal = 0;
  for (const t of env.active) {
    const n = t.restarts - (base?.restarts.get(t) ?? 0);
    if (n <= 0) continue;
    restartsTotal += n;
    restarts.set(label(t.name), (restarts.get(label(t.name)) ?? 0) + n);
  }
  return {
    durationMs,
    channels: [...channels.values()],
    restarts: [...restarts].map(([task, n]) => ({ task, restarts: n })).sort((a, b) => b.restarts - a.restarts || a.task.localeCompare(b.task)),
    restartsTotal,
    aggregated: !perTask,
    countedFrom: base ? 'run start' : 'task start',
  };
}

/** Stores the summary of the run `runNumber` that just ended (a failure is logged, never thrown:
 *  the run's end is already stored). */
export async function storeRunSummary(controller: ControllerCore, env: EnvRuntime, runNumber: number, durationMs: number): Promise<void> {
  // a stored record, not a live series: only the environment's own size decides
  const perTask = env.active.length <= taskLabelLimit(controller);
  const summary = runSummary(env, durationMs, perTask);
  baselines.delete(env);
  try {
    await controller.store.putRunSummary(runNumber, summary);
  } catch (e) {
    console.error(`baton controller: storing the summary of run ${runNumber} failed: ${(e as Error).message}`);
  }
}
