// Pure: QueryHistory's series as the rows recharts plots (one row per time, one column per line)
// and as the text alternative each chart carries (latest, min, mean, max per line).
import type { HistorySeries } from '../../../../core/rpc/gen/control.js';

export interface Line {
  key: string;
  label: string;
  series: HistorySeries;
}

export interface LineSummary {
  label: string;
  latest: number;
  min: number;
  mean: number;
  max: number;
  points: number;
}

export function linesOf(series: HistorySeries[], metric: string, label: (s: HistorySeries) => string): Line[] {
  return series
    .filter((s) => s.metric === metric)
    .map((s, i) => ({ key: `l${i}`, label: label(s), series: s }))
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
}

export function rowsOf(lines: Line[]): Record<string, number>[] {
  const byTime = new Map<number, Record<string, number>>();
  for (const line of lines) {
    const { timesMs, values } = line.series;
    for (let i = 0; i < timesMs.length; i++) {
      const t = timesMs[i]!;
      let row = byTime.get(t);
      if (!row) byTime.set(t, (row = { t }));
      row[line.key] = values[i]!;
    }
  }
  return [...byTime.values()].sort((a, b) => a.t! - b.t!);
}

export function summaryOf(line: Line): LineSummary {
  const v = line.series.values;
  if (!v.length) return { label: line.label, latest: Number.NaN, min: Number.NaN, mean: Number.NaN, max: Number.NaN, points: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  return { label: line.label, latest: v[v.length - 1]!, min, mean: sum / v.length, max, points: v.length };
}

/** a tick label: the time of day, with the date when the range spans more than a day */
export function clockOf(timeMs: number, spanMs: number): string {
  const d = new Date(timeMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (spanMs > 20 * 3_600_000) return `${pad(d.getDate())}/${pad(d.getMonth() + 1)} ${hm}`;
  return spanMs <= 3_600_000 ? `${hm}:${pad(d.getSeconds())}` : hm;
}
