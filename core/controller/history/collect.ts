// What one history sample reads from the controller's memory (the agents' last heartbeats): the
// same figures and the same label bounds as the Prometheus gauges (metrics/state.ts), so a console
// reads the same series from either source. Tasks of environments past the task label limit are
// summed per collection (metrics/labels.ts): that, not the task count, bounds the task series.
import { channelGraph } from '../channels.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { collectionOf, perTaskEnvs, taskLabelLimit } from '../metrics/labels.js';
import { taskUsage } from '../metrics/collections.js';

export interface Sample {
  metric: string;
  labels: Record<string, string>;
  value: number;
}

/** Sums values that fall on one series (several tasks of a collection). */
class Sums {
  readonly rows = new Map<string, Sample>();
  add(metric: string, labels: Record<string, string>, value: number): void {
    const key = `${metric}\u0000${Object.values(labels).join('\u0000')}`;
    const row = this.rows.get(key);
    if (row) row.value += value;
    else this.rows.set(key, { metric, labels, value });
  }
}

/** The label a task's series carries: its role path, or its collection past the label limit. */
export function taskSeriesLabel(controller: ControllerCore, task: TaskRuntime): { label: string; perTask: boolean } {
  const perTask = perTaskEnvs(controller.envs.values(), taskLabelLimit(controller)).has(task.env);
  return { label: perTask ? task.name : collectionOf(task.name), perTask };
}

export function collectSamples(controller: ControllerCore): Sample[] {
  const out: Sample[] = [];
  for (const n of controller.nodes.all()) {
    if (!n.up) continue;
    const labels = { node: n.name };
    out.push({ metric: 'cpu', labels, value: n.cpu });
    out.push({ metric: 'memory', labels, value: n.memUsed });
    out.push({ metric: 'memory_total', labels, value: n.memTotal });
    out.push({ metric: 'load1', labels, value: n.load1 });
  }
  const live: EnvRuntime[] = [...controller.envs.values()].filter((e) => !e.destroyed);
  const perTask = perTaskEnvs(live, taskLabelLimit(controller));
  const sums = new Sums();
  for (const env of live) {
    const label = perTask.has(env) ? (role: string) => role : collectionOf;
    // per task, or summed per collection over groups kept per environment (metrics/collections.ts)
    for (const row of taskUsage(env, perTask.has(env))) {
      const labels = { env: env.id, task: row.label };
      sums.add('task_cpu', labels, row.cpu);
      sums.add('task_memory', labels, row.rss);
    }
    if (!env.expanded.channels?.length) continue;
    for (const edge of channelGraph(env).edges) {
      const labels = { env: env.id, from: `${label(edge.from!.role)}:${edge.from!.channel}`, to: `${label(edge.to!.role)}:${edge.to!.channel}` };
      sums.add('msg_rate', labels, edge.msgRate);
      sums.add('byte_rate', labels, edge.byteRate);
    }
  }
  for (const s of sums.rows.values()) out.push(s);
  return out;
}
