// Per-process figures from /proc: peak and current RSS, and cpu time (utime + stime); and the
// reaping of the processes a floor starts.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on Linux everywhere that matters) */
const CLK_TCK = 100;

function statusField(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Peak resident set size (VmHWM) in bytes; 0 when the process is gone. */
export function peakRss(pid: number): number {
  return statusField(pid, 'VmHWM');
}

export function currentRss(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** cpu seconds used so far (user + system) by the process itself (not its children). */
export function cpuSeconds(pid: number): number {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of stat; rest starts at field 3 (state)
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** cpu seconds of several processes, summed */
export function cpuSecondsOf(pids: number[]): number {
  return pids.reduce((s, p) => s + cpuSeconds(p), 0);
}

/** A cpu-time meter over a window: cores used on average between start and stop. */
export class CpuMeter {
  private c0: number;
  private t0 = performance.now();
  constructor(private readonly pids: number[]) {
    this.c0 = cpuSecondsOf(pids);
  }
  read(): { cpuSeconds: number; wallSeconds: number; cores: number } {
    const cpu = cpuSecondsOf(this.pids) - this.c0;
    const wall = (performance.now() - this.t0) / 1000;
    return { cpuSeconds: round(cpu, 2), wallSeconds: round(wall, 2), cores: round(wall > 0 ? cpu / wall : 0, 3) };
  }
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** the main thread's (the event loop's) time on cpu and time runnable but waiting for a cpu, in seconds */
export function schedstat(pid: number): { run: number; wait: number } {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { run: (run ?? 0) / 1e9, wait: (wait ?? 0) / 1e9 };
  } catch {
    return { run: 0, wait: 0 };
  }
}

/**
 * How long the event-loop threads of these processes waited on the run queue (runnable, not
 * running) over a window: high values mean the machine starved them, not that they were busy.
 */
export class RunQueueMeter {
  private s0: { run: number; wait: number }[];
  constructor(private readonly pids: number[]) {
    this.s0 = pids.map(schedstat);
  }
  read(): { pid: number; runSeconds: number; waitSeconds: number }[] {
    return this.pids.map((pid, i) => {
      const s = schedstat(pid);
      return { pid, runSeconds: round(s.run - this.s0[i]!.run, 3), waitSeconds: round(s.wait - this.s0[i]!.wait, 3) };
    });
  }
}

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Waits until every child has exited; any still running after `graceMs` gets SIGKILL. */
export async function reapChildren(children: ChildProcess[], graceMs = 5000): Promise<void> {
  const exits = children.map((c) => (running(c) ? new Promise<void>((r) => c.once('exit', () => r())) : Promise.resolve()));
  const late = setTimeout(() => {
    for (const c of children) if (running(c)) c.kill('SIGKILL');
  }, graceMs);
  await Promise.all(exits);
  clearTimeout(late);
}

/** SIGTERM to every child still running, then reapChildren. */
export async function stopChildren(children: ChildProcess[], graceMs = 5000): Promise<void> {
  for (const c of children) if (running(c)) c.kill('SIGTERM');
  await reapChildren(children, graceMs);
}
