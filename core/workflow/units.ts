// Durations (`5s`, `250ms`, `2m`, `1h`, or a number of milliseconds) and memory sizes
// (`512Mi`, `2Gi`, `1G`, `1000k`, or a number of bytes).

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or null when `v` is not a duration. A bare number is milliseconds. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'bigint') v = Number(v);
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const m = DURATION.exec(v);
  if (!m) return null;
  const ms = Number(m[1]) * DURATION_MS[m[2] ?? 'ms'];
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

const MEMORY = /^\s*(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|Ti|k|K|M|G|T|B)?\s*$/;
const MEMORY_UNIT: Record<string, number> = {
  B: 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Bytes, or null when `v` is not a memory size. A bare number is bytes. */
export function parseMemory(v: unknown): number | null {
  if (typeof v === 'bigint') v = Number(v);
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const m = MEMORY.exec(v);
  if (!m) return null;
  const b = Number(m[1]) * MEMORY_UNIT[m[2] ?? 'B'];
  return Number.isFinite(b) ? Math.round(b) : null;
}
