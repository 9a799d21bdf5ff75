// The agent's own event-loop delay over the second before each heartbeat: the controller sees
// whether a late agent was busy or gone, and the figure in docs/reliability.md says whether
// 1,000-task launches and kills ever starve the heartbeat.
//
// perf_hooks' monitorEventLoopDelay cannot give this per heartbeat: its only way to start a new
// window, reset(), also forgets when it last sampled, so the interval that spans the reset is
// never measured. A stall that began just after a heartbeat (the most likely moment: work that
// waited for the heartbeat to leave) went unreported in most runs. Here one timer per process
// measures how late each of its ticks runs; each window (one per agent: a sim process runs many)
// keeps its statistics in a perf_hooks histogram, and a read first closes the interval still open
// (a stall whose tick has not run yet counts now), so every moment of the loop's time falls in
// exactly one window.
//
// A window counts the ticks that came on time and keeps only the late ones' lateness: a sim
// process runs 100 agents, so its ticker samples 100 windows 100 times a second, and a perf_hooks
// histogram per window cost a native call per sample plus a reset and a percentile scan per
// heartbeat (some 5 ms of cpu a second per process, whether anything happened or not).

const RESOLUTION_MS = 10;

export interface LoopLag {
  p99Ms: number;
  maxMs: number;
}

/** How late (ms) a tick came, past its resolution, from `since` to `now`. */
const lateness = (since: number, now: number) => now - since - RESOLUTION_MS;

/** One process-wide ticker: shared by every monitor, running while any is started. */
const ticker = {
  last: 0,
  timer: null as NodeJS.Timeout | null,
  monitors: new Set<LoopLagMonitor>(),
};

function tick(): void {
  const now = performance.now();
  for (const m of ticker.monitors) m.sample(Math.max(ticker.last, m.since), now);
  ticker.last = now;
}

export class LoopLagMonitor {
  /** ticks of this window that came on time (lateness 0) */
  private onTime = 0;
  /** the lateness (ms) of this window's late ticks; few unless the loop was held */
  private late: number[] = [];
  /** when this window's current interval began: its last read (or start) */
  since = 0;

  start(): void {
    const now = performance.now();
    this.since = now;
    ticker.monitors.add(this);
    if (!ticker.timer) {
      ticker.last = now;
      ticker.timer = setInterval(tick, RESOLUTION_MS);
      ticker.timer.unref();
    }
  }

  stop(): void {
    ticker.monitors.delete(this);
    if (!ticker.monitors.size && ticker.timer) {
      clearInterval(ticker.timer);
      ticker.timer = null;
    }
  }

  /** Records the lateness of the interval [from, now] (called by the ticker). */
  sample(from: number, now: number): void {
    // an early or punctual tick counts as on time
    const ms = lateness(from, now);
    if (ms > 0) this.late.push(ms);
    else this.onTime++;
  }

  /** The delay since the previous read (ms), then starts a new window. */
  read(): LoopLag {
    const now = performance.now();
    // the interval still open: a stall that has ended but whose tick has not run yet belongs here
    if (lateness(Math.max(ticker.last, this.since), now) > 0) this.sample(Math.max(ticker.last, this.since), now);
    this.since = now;
    const lag = windowLag(this.onTime, this.late);
    this.onTime = 0;
    this.late = [];
    return lag;
  }
}

const toMs = (ms: number) => Math.round(ms * 100) / 100;

/** p99 and max of a window: `onTime` samples of 0 and the `late` ones (nearest rank). */
export function windowLag(onTime: number, late: readonly number[]): LoopLag {
  const count = onTime + late.length;
  if (!late.length) return { p99Ms: 0, maxMs: 0 };
  const sorted = [...late].sort((a, b) => a - b);
  // the sample at rank ceil(0.99 n) in ascending order; the on-time ones are the lowest ranks
  const rank = Math.ceil(0.99 * count);
  const p99 = rank <= onTime ? 0 : sorted[rank - onTime - 1]!;
  return { p99Ms: toMs(p99), maxMs: toMs(sorted[sorted.length - 1]!) };
}
