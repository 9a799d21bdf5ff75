// The agent's own event-loop delay, sampled by perf_hooks and read (then reset) at every
// heartbeat: the controller sees whether a late agent was busy or gone, and the figure in
// docs/reliability.md says whether 1,000-task launches and kills ever starve the heartbeat.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

export interface LoopLag {
  p99Ms: number;
  maxMs: number;
}

export class LoopLagMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  start(): void {
    this.histogram.enable();
  }

  stop(): void {
    this.histogram.disable();
  }

  /** The delay since the previous read (ms; the sampling resolution is subtracted, as perf_hooks
   *  counts it in every sample), then starts a new window. */
  read(): LoopLag {
    const h = this.histogram;
    const toMs = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const lag = h.count ? { p99Ms: toMs(h.percentile(99)), maxMs: toMs(h.max) } : { p99Ms: 0, maxMs: 0 };
    h.reset();
    return lag;
  }
}
