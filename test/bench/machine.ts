// The machine a figure was measured on, and how busy it was: printed next to every figure.
import fs from 'node:fs';
import os from 'node:os';
import { readCpuTimes } from '../../core/agent/process/proc.js';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
}

export function machineInfo(): Machine {
  let model = '';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    model = m?.[1]?.trim() ?? '';
  } catch {
    /* not Linux */
  }
  return {
    cores: os.cpus().length,
    cpuModel: model || os.cpus()[0]?.model || 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: os.release(),
  };
}

/** /proc/loadavg's first three fields ("1.23 0.98 0.70"): how shared the machine was. */
export function loadavg(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  }
}

/** MemAvailable in bytes (Linux), else free memory. */
export function memAvailable(): number {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux */
  }
  return os.freemem();
}

/** The machine's idle share of its cpus over `ms`, from /proc/stat (null where there is none). */
async function idleShare(ms: number): Promise<number | null> {
  const a = readCpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = readCpuTimes();
  return a && b && b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : null;
}

/**
 * Waits until the machine is quiet (at least `share` of its cpus idle over half a second), at most
 * `maxMs`: anything else running (1,000 Node tasks still exiting after their stack is down) slows
 * a floor and flatters the ratio. Returns how long it waited and whether the
 * machine became quiet.
 */
export async function waitQuiet(maxMs = 60_000, share = 0.9): Promise<{ waitedMs: number; quiet: boolean; idle: number | null }> {
  const t0 = performance.now();
  let idle: number | null = null;
  while (performance.now() - t0 < maxMs) {
    idle = await idleShare(500);
    if (idle === null || idle >= share) return { waitedMs: Math.round(performance.now() - t0), quiet: true, idle };
  }
  return { waitedMs: Math.round(performance.now() - t0), quiet: false, idle };
}
