// The controller's event-loop lag, as GetInfo reports it: how late a 10 ms timer fired, i.e. how
// long some piece of work held the loop. A held loop delays heartbeats (nodes marked DOWN) and
// every reply, so it is the figure that says whether a request can hurt a run.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

let histogram: IntervalHistogram | null = null;
let sinceMs = 0;

function started(): IntervalHistogram {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    sinceMs = Date.now();
  }
  return histogram;
}

export interface LoopLag {
  p99Ms: number;
  maxMs: number;
  sinceMs: number;
}

/** The lag figures since the first call (or the last reset). */
export function loopLag(): LoopLag {
  const h = started();
  if (h.count === 0) return { p99Ms: 0, maxMs: 0, sinceMs };
  return { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6, sinceMs };
}

export function resetLoopLag(): void {
  started().reset();
  sinceMs = Date.now();
}

/** Starts measuring (the controller calls it at start, so that figures cover its whole life). */
export function startLoopLag(): void {
  started();
}
