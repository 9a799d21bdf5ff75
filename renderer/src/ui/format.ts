// Formatting numbers, sizes, rates and times for people.

export function formatAge(fromMs: number, nowMs: number): string {
  if (!fromMs) return '–';
  return formatDuration(Math.max(0, nowMs - fromMs));
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0 B';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${UNITS[i]}`;
}

export function formatRate(perSec: number, unit = 'msg/s'): string {
  if (!Number.isFinite(perSec) || perSec <= 0) return `0 ${unit}`;
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(1)}M ${unit}`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)}k ${unit}`;
  return `${perSec < 10 ? perSec.toFixed(1) : Math.round(perSec)} ${unit}`;
}

export function formatByteRate(perSec: number): string {
  return `${formatBytes(perSec)}/s`;
}

/** a time with its date and milliseconds: a night shift crosses midnight, and events are close */
export function formatTime(ms: number): string {
  if (!ms) return '–';
  const d = new Date(ms);
  return `${formatDateTime(ms)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function formatDateTime(ms: number): string {
  if (!ms) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** cpu use as the agents report it: percent (of one core for a task, of all cores for a node) */
export function formatCpu(percent: number): string {
  if (!Number.isFinite(percent)) return '–';
  return `${percent.toFixed(percent < 10 ? 1 : 0)}%`;
}
