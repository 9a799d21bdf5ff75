// Node and per-task cpu/memory for the heartbeat, from /proc (no child processes). Node figures
// are sampled at most twice a second per OS process: 350 sim agents in one process share them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { CLK_TCK, PAGE_SIZE, cpuPercent, parseProcStat, readCpuTimes, readMeminfo, readProcStat, type CpuTimes, type ProcStat } from './proc.js';

const REFRESH_CONCURRENCY = 16;

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
   * Reads the stats of these pids asynchronously (a /proc read can take a millisecond: 1,000 of
   * them in the heartbeat blocked the agent's loop ~0.4 s every second; docs/reliability.md).
   * One refresh at a time; a call while one runs is dropped.
   */
  async refresh(pids: readonly number[]): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const next = new Map<number, { cpu: number; rss: number }>();
      let i = 0;
      const worker = async () => {
        while (i < pids.length) {
          const pid = pids[i++]!;
          let st: ProcStat | null = null;
          try {
            st = parseProcStat(await fs.promises.readFile(`/proc/${pid}/stat`, 'latin1'));
          } catch {
            /* gone */
          }
          next.set(pid, this.fromStat(pid, st));
        }
      };
      await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, pids.length) }, worker));
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
