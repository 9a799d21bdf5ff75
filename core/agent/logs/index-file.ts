// The side index of a task's log: `<log>.idx` next to `<log>`, a small text file the agent
// appends to, so the log itself stays exactly what the task printed (docs/logs.md).
//   B <base>                      position of byte 0 of the log (bytes rotated away before it)
//   T <offset> <ms>               bytes from <offset> on were first seen at <ms> (Unix ms)
//   M <offset> <ms> <kind> <text> a marker of the agent's (start, exit, crash, adopt, transition)
// Offsets are byte offsets in the log file; a position is base + offset and never moves when the
// log is rotated. A line's time is that of the last T at or before its first byte.
import * as fs from 'node:fs';

export const MARKER_KINDS = ['start', 'exit', 'crash', 'adopt', 'transition'] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];

export interface Marker {
  offset: number;
  timeMs: number;
  kind: MarkerKind;
  text: string;
}

export interface LogIndex {
  base: number;
  /** offsets and times, ascending by offset */
  offsets: number[];
  times: number[];
  markers: Marker[];
  /** bytes of the index file parsed (a partial last line is left for later) */
  parsedBytes: number;
}

export function indexPath(logPath: string): string {
  return `${logPath}.idx`;
}

export function emptyIndex(): LogIndex {
  return { base: 0, offsets: [], times: [], markers: [], parsedBytes: 0 };
}

/** Parses index text into `into` (appending); returns it. Unknown or broken lines are skipped. */
export function parseIndex(text: string, into: LogIndex = emptyIndex()): LogIndex {
  const end = text.lastIndexOf('\n');
  if (end < 0) return into;
  for (const line of text.slice(0, end).split('\n')) {
    const kind = line[0];
    if (kind === 'T') {
      const [, o, t] = line.split(' ');
      const offset = Number(o);
      const time = Number(t);
      if (!Number.isFinite(offset) || !Number.isFinite(time)) continue;
      const last = into.offsets.length - 1;
      if (last >= 0 && offset <= into.offsets[last]!) continue; // kept ascending
      into.offsets.push(offset);
      into.times.push(time);
    } else if (kind === 'M') {
      const m = /^M (\d+) (\d+) (\w+) ?(.*)$/.exec(line);
      if (m && (MARKER_KINDS as readonly string[]).includes(m[3]!)) {
        into.markers.push({ offset: Number(m[1]), timeMs: Number(m[2]), kind: m[3] as MarkerKind, text: m[4]! });
      }
    } else if (kind === 'B') {
      const base = Number(line.slice(2));
      if (Number.isFinite(base)) into.base = base;
    }
  }
  into.parsedBytes += Buffer.byteLength(text.slice(0, end + 1));
  return into;
}

/** Reads a whole index file (an empty index when there is none). */
export function readIndex(logPath: string): LogIndex {
  return readIndexIfAny(logPath) ?? emptyIndex();
}

/**
 * Reads a whole index file; null when the log has none (a new log: every task's first start).
 * Asked first, without a read that throws ENOENT (an Error with its stack for every new task),
 * where a failed read and then an existence check took two calls for every task started.
 */
export function readIndexIfAny(logPath: string): LogIndex | null {
  const file = indexPath(logPath);
  if (!fs.existsSync(file)) return null;
  try {
    return parseIndex(fs.readFileSync(file, 'utf8'));
  } catch {
    return emptyIndex();
  }
}

/** Reads what was appended to an index since `idx.parsedBytes`; false when the file was replaced (rotation). */
export function readIndexMore(logPath: string, idx: LogIndex): boolean {
  let fd: number;
  try {
    fd = fs.openSync(indexPath(logPath), 'r');
  } catch {
    return true;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < idx.parsedBytes) return false;
    if (size === idx.parsedBytes) return true;
    const buf = Buffer.alloc(size - idx.parsedBytes);
    fs.readSync(fd, buf, 0, buf.length, idx.parsedBytes);
    const before = idx.base;
    parseIndex(buf.toString('utf8'), idx);
    return idx.base === before;
  } finally {
    fs.closeSync(fd);
  }
}

/** The capture time of the byte at `offset` (0 when the index knows none). */
export function timeAt(idx: LogIndex, offset: number): number {
  const o = idx.offsets;
  let lo = 0;
  let hi = o.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (o[mid]! <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? 0 : idx.times[found]!;
}

/** The first offset whose time is at or after `ms` (the file's end when none is). */
export function offsetSince(idx: LogIndex, ms: number, size: number): number {
  for (let i = 0; i < idx.times.length; i++) if (idx.times[i]! >= ms) return idx.offsets[i]!;
  return size;
}

export function timeLine(offset: number, ms: number): string {
  return `T ${offset} ${ms}\n`;
}

export function markerLine(m: Marker): string {
  return `M ${m.offset} ${m.timeMs} ${m.kind} ${m.text.replace(/[\r\n]+/g, ' ')}\n`;
}

export function baseLine(base: number): string {
  return `B ${base}\n`;
}
