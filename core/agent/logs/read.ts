// Reading a task's log by position: forward pages, the last N lines, and searches over the whole
// log (the rotated part `<log>.1` and the current file), each line with the time the agent saw
// it written and the agent's markers in their place (index-file.ts).
import * as fs from 'node:fs';
import { BatonError } from '../../model/errors.js';
import type { LogEntry } from '../../rpc/gen/common.js';
import { readIndex, timeAt, type LogIndex } from './index-file.js';

const CHUNK = 1024 * 1024;
/** a line longer than this is cut (with a note) in what is sent; the file keeps it whole */
const MAX_LINE_CHARS = 16 * 1024;

export interface LogFilter {
  grep: string;
  regex: boolean;
  sinceMs: number;
}

export interface ReadOptions {
  /** the task has exited: a last line without a newline is complete */
  complete: boolean;
  markers: boolean;
  /** markers at the first position up to this time were already seen (a resumed follow) */
  afterMarkerMs?: number;
}

export interface ReadResult {
  entries: LogEntry[];
  /** the position after the last line read: where to go on */
  next: number;
  first: number;
  end: number;
  truncated: boolean;
}

interface Segment {
  file: string;
  idx: LogIndex;
  base: number;
  size: number;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The rotated part (when there is one) and the current file, oldest first, with their positions. */
export function segments(logPath: string): Segment[] {
  const cur = readIndex(logPath);
  const curSize = sizeOf(logPath);
  const oldSize = sizeOf(`${logPath}.1`);
  const out: Segment[] = [];
  if (oldSize > 0) {
    const old = readIndex(`${logPath}.1`);
    const base = old.offsets.length || old.markers.length || old.base ? old.base : Math.max(0, cur.base - oldSize);
    if (base + oldSize <= cur.base || cur.base === 0) out.push({ file: `${logPath}.1`, idx: old, base, size: oldSize });
  }
  const base = cur.base || (out.length ? out[0]!.base + out[0]!.size : 0);
  out.push({ file: logPath, idx: cur, base, size: curSize });
  return out;
}

/** A line test from the filter; a bad regular expression is BAD_INPUT. */
export function lineMatcher(f: LogFilter): (text: string) => boolean {
  if (!f.grep) return () => true;
  if (!f.regex) return (t) => t.includes(f.grep);
  let re: RegExp;
  try {
    re = new RegExp(f.grep);
  } catch (e) {
    throw new BatonError('BAD_INPUT', `grep: not a regular expression: ${(e as Error).message}`, { where: 'grep' });
  }
  return (t) => re.test(t);
}

function cut(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (line cut at ${MAX_LINE_CHARS} characters)` : text;
}

/**
 * Calls `each` for every line starting in [from, to) of a segment (offsets in the file), with its
 * offset; stops when `each` returns false. Returns the offset after the last complete line seen.
 */
function scan(seg: Segment, from: number, to: number, complete: boolean, each: (offset: number, text: string) => boolean): number {
  if (to <= from) return from;
  let fd: number;
  try {
    fd = fs.openSync(seg.file, 'r');
  } catch {
    return from;
  }
  try {
    let pos = from;
    let carry = Buffer.alloc(0);
    let carryAt = from;
    while (pos < to) {
      const len = Math.min(CHUNK, to - pos);
      const chunk = Buffer.alloc(len);
      const got = fs.readSync(fd, chunk, 0, len, pos);
      if (got <= 0) break;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      let start = 0;
      for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
        if (!each(carryAt + start, buf.toString('utf8', start, nl))) return carryAt + nl + 1;
        start = nl + 1;
      }
      carryAt += start;
      carry = Buffer.from(buf.subarray(start));
      pos += got;
    }
    if (carry.length && complete && pos >= seg.size) {
      each(carryAt, carry.toString('utf8'));
      return carryAt + carry.length;
    }
    return carryAt;
  } finally {
    fs.closeSync(fd);
  }
}

/** Lines (and markers) forward from `fromPos`, at most `limit` lines passing the filter. */
export function readForward(logPath: string, fromPos: number, limit: number, f: LogFilter, o: ReadOptions, untilPos = Number.MAX_SAFE_INTEGER): ReadResult {
  const test = lineMatcher(f);
  const segs = segments(logPath);
  const first = segs[0]!.base;
  const last = segs[segs.length - 1]!;
  const end = last.base + last.size;
  const entries: LogEntry[] = [];
  let next = Math.max(fromPos, first);
  let lines = 0;
  let truncated = false;
  for (const seg of segs) {
    if (truncated) break;
    const segEnd = seg.base + seg.size;
    if (next >= segEnd && seg !== last) continue;
    if (seg.base >= untilPos) break;
    const from = Math.max(0, next - seg.base);
    const to = Math.min(seg.size, untilPos - seg.base);
    const marks = o.markers ? seg.idx.markers.filter((m) => m.offset >= from && !(m.offset === from && m.timeMs <= (o.afterMarkerMs ?? -1))) : [];
    let mi = 0;
    const pushMarks = (upTo: number) => {
      while (mi < marks.length && marks[mi]!.offset <= upTo) {
        const m = marks[mi++]!;
        // a search shows the markers it matches, as it does lines
        if (m.timeMs >= f.sinceMs && test(m.text))
          entries.push({ text: m.text, position: seg.base + m.offset, timeMs: m.timeMs, marker: m.kind, taskId: '', taskName: '' });
      }
    };
    const after = scan(seg, from, to, o.complete || seg !== last, (offset, text) => {
      if (lines >= limit) {
        truncated = true;
        return false;
      }
      pushMarks(offset);
      const timeMs = timeAt(seg.idx, offset);
      if (timeMs >= f.sinceMs && test(text)) {
        entries.push({ text: cut(text), position: seg.base + offset, timeMs, marker: '', taskId: '', taskName: '' });
        lines++;
      }
      return true;
    });
    next = seg.base + (truncated ? lastLineStart(entries, seg.base, after) : after);
    if (!truncated) pushMarks(to < seg.size ? after - 1 : Number.MAX_SAFE_INTEGER);
  }
  return { entries, next, first, end, truncated };
}

// when a page is cut at the limit, the scan stopped inside the line that did not fit: resume there
function lastLineStart(entries: LogEntry[], base: number, after: number): number {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (!e.marker) return e.position - base + Buffer.byteLength(e.text) + 1;
  }
  return after;
}

/**
 * The last `n` lines passing the filter that start before `toPos` (0: the end), with the markers
 * among them. Reads backwards in growing windows, so a tail of a big log reads little of it.
 */
export function readTail(logPath: string, n: number, toPos: number, f: LogFilter, o: ReadOptions): ReadResult {
  const segs = segments(logPath);
  const first = segs[0]!.base;
  const last = segs[segs.length - 1]!;
  const end = last.base + last.size;
  const stop = toPos > 0 ? Math.min(toPos, end) : end;
  let window = Math.max(64 * 1024, n * 256);
  for (;;) {
    const from = Math.max(first, stop - window);
    const r = readRange(logPath, from, stop, f, o);
    const lines = r.entries.filter((e) => !e.marker);
    if (lines.length >= n || from === first) {
      const keep = lines.length > n ? lines[lines.length - n]!.position : from;
      const entries = r.entries.filter((e) => e.position >= keep);
      return { entries, next: r.next, first, end, truncated: lines.length > n || from > first };
    }
    window *= 4;
  }
}

/** Every line starting in [fromPos, toPos), from the first line that starts at or after fromPos. */
function readRange(logPath: string, fromPos: number, toPos: number, f: LogFilter, o: ReadOptions): ReadResult {
  // the window's first line may start before fromPos: skip to the first line start after it
  const segs = segments(logPath);
  let start = fromPos;
  const seg = segs.find((s) => fromPos >= s.base && fromPos < s.base + s.size);
  if (seg && fromPos > seg.base) {
    let skipTo = seg.base + seg.size;
    scan(seg, fromPos - seg.base - 1, seg.size, true, (offset) => {
      if (offset === fromPos - seg.base - 1) return true;
      skipTo = seg.base + offset;
      return false;
    });
    start = skipTo;
  }
  return readForward(logPath, start, Number.MAX_SAFE_INTEGER, f, o, toPos);
}
