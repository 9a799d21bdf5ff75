// QueryHistory answered from Prometheus (the controller started with --prometheus-url): a
// query_range per metric over the gauges the controller exports (metrics/state.ts), so the
// history reaches as far back as Prometheus keeps it and survives controller restarts. The
// labels Prometheus adds (job, instance) are left out; the reply has the shape the rings give.
import { BatonError } from '../../model/errors.js';
import type { HistorySeries, QueryHistoryReply } from '../../rpc/gen/control.js';
import type { HistoryKind, HistorySelector } from './selector.js';

/** the controller's gauge behind each reply metric, and the labels that name its series */
const GAUGES: Record<HistoryKind, { reply: string; gauge: string; labels: string[] }[]> = {
  channels: [
    { reply: 'msg_rate', gauge: 'baton_channel_messages_per_second', labels: ['env', 'from', 'to'] },
    { reply: 'byte_rate', gauge: 'baton_channel_bytes_per_second', labels: ['env', 'from', 'to'] },
  ],
  task: [
    { reply: 'cpu', gauge: 'baton_task_cpu_percent', labels: ['env', 'task'] },
    { reply: 'memory', gauge: 'baton_task_memory_bytes', labels: ['env', 'task'] },
  ],
  nodes: [
    { reply: 'cpu', gauge: 'baton_node_cpu_percent', labels: ['node'] },
    { reply: 'memory', gauge: 'baton_node_memory_used_bytes', labels: ['node'] },
    { reply: 'memory_total', gauge: 'baton_node_memory_total_bytes', labels: ['node'] },
    { reply: 'load1', gauge: 'baton_node_load1', labels: ['node'] },
  ],
};

const TIMEOUT_MS = 10_000;

/** PromQL string literal: backslash and double quote escaped */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function promql(gauge: string, match: Record<string, string>): string {
  const matchers = Object.entries(match).map(([k, v]) => `${k}=${quoted(v)}`);
  return matchers.length ? `${gauge}{${matchers.join(',')}}` : gauge;
}

interface RangeResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

async function queryRange(baseUrl: string, expr: string, sel: HistorySelector, stepMs: number): Promise<RangeResult['data']> {
  const url = new URL(`${baseUrl}/api/v1/query_range`);
  url.searchParams.set('query', expr);
  url.searchParams.set('start', String(sel.sinceMs / 1000));
  url.searchParams.set('end', String(sel.untilMs / 1000));
  url.searchParams.set('step', `${stepMs / 1000}s`);
  let body: RangeResult;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    body = (await res.json()) as RangeResult;
  } catch (e) {
    throw new BatonError('UNAVAILABLE', `prometheus at ${baseUrl} did not answer query_range: ${(e as Error).message}`, { where: 'prometheus-url' });
  }
  if (body.status !== 'success') {
    throw new BatonError('UNAVAILABLE', `prometheus at ${baseUrl} refused ${expr}: ${body.error ?? body.status}`, { where: 'prometheus-url' });
  }
  return body.data;
}

export async function queryPrometheus(baseUrl: string, sel: HistorySelector): Promise<QueryHistoryReply> {
  // Prometheus steps are whole seconds; a step under the scrape interval only repeats samples
  const stepMs = Math.max(1000, Math.ceil(sel.stepMs / 1000) * 1000);
  const series: HistorySeries[] = [];
  for (const g of GAUGES[sel.kind]) {
    const data = await queryRange(baseUrl, promql(g.gauge, sel.match), sel, stepMs);
    for (const row of data?.result ?? []) {
      const labels: Record<string, string> = {};
      for (const l of g.labels) if (row.metric[l] !== undefined) labels[l] = row.metric[l];
      series.push({
        metric: g.reply,
        labels,
        timesMs: row.values.map(([t]) => Math.round(t * 1000)),
        values: row.values.map(([, v]) => Number(v)),
      });
    }
  }
  series.sort((a, b) => a.metric.localeCompare(b.metric) || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
  return { series, sinceMs: sel.sinceMs, untilMs: sel.untilMs, stepMs, source: 'prometheus', note: sel.note };
}
