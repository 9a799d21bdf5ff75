// QueryHistory answered from the controller's rings (store.ts).
import type { HistorySeries, QueryHistoryReply } from '../../rpc/gen/control.js';
import { pointsOf, tierFor, type HistoryStore } from './store.js';
import { METRICS, type HistorySelector } from './selector.js';

export function queryRings(store: HistoryStore, sel: HistorySelector): QueryHistoryReply {
  const metrics = METRICS[sel.kind];
  const found = store.find(
    metrics.map((m) => m.stored),
    sel.match,
  );
  // one step for every series of the answer: the request's, a whole number of the tier's periods
  const period = found.length ? tierFor(found[0]!, sel.sinceMs).periodMs : store.sampleMs;
  const stepMs = Math.ceil(sel.stepMs / period) * period;
  const series: HistorySeries[] = found.map((s) => {
    const points = pointsOf(s, sel.sinceMs, sel.untilMs, stepMs);
    return {
      metric: metrics.find((m) => m.stored === s.id.metric)!.reply,
      labels: { ...s.id.labels },
      timesMs: points.map((p) => p.timeMs),
      values: points.map((p) => p.value),
    };
  });
  series.sort((a, b) => a.metric.localeCompare(b.metric) || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
  return { series, sinceMs: sel.sinceMs, untilMs: sel.untilMs, stepMs, source: 'controller', note: sel.note };
}
