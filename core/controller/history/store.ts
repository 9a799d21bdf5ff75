// The controller's bounded history (docs/architecture.md, "Load history"): one series per
// (metric, labels), each two rings: a fine tier (one slot per sample period, an hour at 5 s) and
// a coarse tier (a slot per twelve periods, a day at 1 min). A series costs a fixed ~17 KB
// whatever the load; at most `maxSeries` exist (new ones past it are counted, not kept), and a
// series nothing has written for a coarse span (its node removed, its environment destroyed a day
// ago) is dropped. Kept in memory only: a console reload reads it again, a controller restart
// starts it afresh.
import { TierRing, type Point } from './ring.js';

export const FINE_SLOTS = 720;
export const COARSE_FACTOR = 12;
export const COARSE_SLOTS = 1440;
export const DEFAULT_SAMPLE_MS = 5000;
export const DEFAULT_MAX_SERIES = 2000;

export interface SeriesId {
  metric: string;
  labels: Record<string, string>;
}

export class Series {
  readonly fine: TierRing;
  readonly coarse: TierRing;
  constructor(
    readonly id: SeriesId,
    sampleMs: number,
  ) {
    this.fine = new TierRing(sampleMs, FINE_SLOTS);
    this.coarse = new TierRing(sampleMs * COARSE_FACTOR, COARSE_SLOTS);
  }
  add(timeMs: number, value: number): void {
    this.fine.add(timeMs, value);
    this.coarse.add(timeMs, value);
  }
  get bytes(): number {
    return this.fine.bytes + this.coarse.bytes;
  }
}

/** The key of a series: its metric and its labels in a fixed order. */
export function seriesKey(metric: string, labels: Record<string, string>): string {
  return [
    metric,
    ...Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`),
  ].join('\u0000');
}

export class HistoryStore {
  private readonly series = new Map<string, Series>();
  /** samples refused because the series limit was reached (GetInfo-style diagnostics, docs) */
  refused = 0;

  constructor(
    readonly sampleMs: number = DEFAULT_SAMPLE_MS,
    readonly maxSeries: number = DEFAULT_MAX_SERIES,
  ) {}

  record(timeMs: number, metric: string, labels: Record<string, string>, value: number): void {
    const key = seriesKey(metric, labels);
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= this.maxSeries) {
        this.refused += 1;
        return;
      }
      s = new Series({ metric, labels }, this.sampleMs);
      this.series.set(key, s);
    }
    s.add(timeMs, value);
  }

  get(metric: string, labels: Record<string, string>): Series | undefined {
    return this.series.get(seriesKey(metric, labels));
  }

  /** the series of these metrics whose labels include all of `match` */
  find(metrics: string[], match: Record<string, string>): Series[] {
    const out: Series[] = [];
    for (const s of this.series.values()) {
      if (!metrics.includes(s.id.metric)) continue;
      if (Object.entries(match).every(([k, v]) => s.id.labels[k] === v)) out.push(s);
    }
    return out;
  }

  /** drops the series nothing wrote for a whole coarse span */
  sweep(nowMs: number): void {
    for (const [key, s] of this.series) {
      if (s.coarse.lastMs >= 0 && nowMs - s.coarse.lastMs > s.coarse.spanMs) this.series.delete(key);
    }
  }

  get size(): number {
    return this.series.size;
  }

  /** bytes held by the rings of every series */
  get bytes(): number {
    let total = 0;
    for (const s of this.series.values()) total += s.bytes;
    return total;
  }
}

/** The points of one series for a range: the fine tier when it reaches back far enough, else the
 *  coarse one; then averaged into buckets of `stepMs` (a multiple of the tier's period). */
export function pointsOf(s: Series, sinceMs: number, untilMs: number, stepMs: number): Point[] {
  const tier = tierFor(s, sinceMs);
  const raw = tier.read(sinceMs, untilMs);
  if (stepMs <= tier.periodMs) return raw;
  const out: Point[] = [];
  let bucket = -1;
  let sum = 0;
  let count = 0;
  for (const p of raw) {
    const b = Math.floor(p.timeMs / stepMs);
    if (b !== bucket && count) {
      out.push({ timeMs: bucket * stepMs, value: sum / count });
      sum = 0;
      count = 0;
    }
    bucket = b;
    sum += p.value;
    count += 1;
  }
  if (count) out.push({ timeMs: bucket * stepMs, value: sum / count });
  return out;
}

/** the tier a range is read from: the fine one if the range starts within its reach */
export function tierFor(s: Series, sinceMs: number): TierRing {
  return sinceMs >= s.fine.lastMs - s.fine.spanMs ? s.fine : s.coarse;
}
