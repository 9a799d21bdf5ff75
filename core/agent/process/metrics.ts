// Node and per-task cpu/memory for the heartbeat, from /proc (no child processes). Node figures
// are sampled at most twice a second per OS process: 350 sim agents in one process share them.
import * as os from 'node:os';
import { CLK_TCK, PAGE_SIZE, cpuPercent, readCpuTimes, readMeminfo, readProcStat, readProcStats, type CpuTimes, type ProcStat } from './proc.js';

export interface NodeMetrics {
  cpu: number;
  memUsed: number;
  memTotal: number;
  load1: number;
}

let lastCpu: CpuTimes | null = null;
let cached: { at: number; m: NodeMetrics } | null = null;

export function nodeMetrics(): NodeMetrics {
  const now = Date.now();
  if (cached && now - cached.at < 500) return cached.m;
  const cpu = readCpuTimes();
  const pct = cpu && lastCpu ? cpuPercent(lastCpu, cpu) : 0;
  if (cpu) lastCpu = cpu;
  const mem = readMeminfo();
  const total = mem?.total ?? os.totalmem();
  const m: NodeMetrics = {
    cpu: pct,
    memTotal: total,
    memUsed: mem?.used ?? total - os.freemem(),
    load1: os.loadavg()[0] ?? 0,
  };
  cached = { at: now, m };
  return m;
}

/** cpu% of one core and RSS of a task's main process, from deltas between calls. */
export class TaskSampler {
  private prev = new Map<number, { ticks: number; at: number }>();

  private latestByPid = new Map<number, { cpu: number; rss: number }>();
  private refreshing = false;

  sample(pid: number): { cpu: number; rss: number } {
    return this.fromStat(pid, readProcStat(pid));
  }

  /** The figures of the last refresh (zeros before the first): the heartbeat never waits on /proc. */
  latest(pid: number): { cpu: number; rss: number } {
    return this.latestByPid.get(pid) ?? { cpu: 0, rss: 0 };
  }

  /**
   * Reads the stats of these pids without holding the event loop: 1,000 reads in one go blocked it
   * ~0.4 s every second (docs/reliability.md), and 1,000 fs.promises.readFile cost 0.23-0.37
   * cpu-s every heartbeat; readProcStats reads a few dozen per turn of the loop, synchronously.
   * One refresh at a time; a call while one runs is dropped.
   */
  async refresh(pids: readonly number[]): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const next = new Map<number, { cpu: number; rss: number }>();
      await readProcStats(pids, (pid, st) => next.set(pid, this.fromStat(pid, st)));
      this.latestByPid = next;
    } finally {
      this.refreshing = false;
    }
  }

  private fromStat(pid: number, st: ProcStat | null): { cpu: number; rss: number } {
    if (!st) {
      this.prev.delete(pid);
      return { cpu: 0, rss: 0 };
    }
    const now = Date.now();
    const ticks = st.utime + st.stime;
    const p = this.prev.get(pid);
    this.prev.set(pid, { ticks, at: now });
    const cpu = p && now > p.at ? (((ticks - p.ticks) / CLK_TCK) * 1000 * 100) / (now - p.at) : 0;
    // the rss of /proc/<pid>/stat is statm's resident count: one file read per task, not two
    return { cpu: Math.max(0, cpu), rss: st.rssPages * PAGE_SIZE };
  }

  forget(pid: number): void {
    this.prev.delete(pid);
    this.latestByPid.delete(pid);
  }
}
