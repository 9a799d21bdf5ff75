// Reading task logs for TaskLogs: the last N lines (optionally only lines holding a substring),
// everything from the start, and follow (poll the file; a shrinking file means it was rotated,
// so reading starts again at 0).
import * as fs from 'node:fs';
import type { LogRequest } from '../driver.js';

const CHUNK = 64 * 1024;
const SEND_LINES = 1000;
export const FOLLOW_POLL_MS = 200;

function size(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The last n lines holding `grep` that end before byte `end` of the file, oldest first. */
export function tailLines(file: string, n: number, grep: string, end: number): string[] {
  if (n <= 0 || end <= 0) return [];
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  const found: string[] = [];
  try {
    let pos = end;
    let carry = Buffer.alloc(0);
    while (pos > 0 && found.length < n) {
      const start = Math.max(0, pos - CHUNK);
      const chunk = Buffer.alloc(pos - start);
      fs.readSync(fd, chunk, 0, chunk.length, start);
      const buf = carry.length ? Buffer.concat([chunk, carry]) : chunk;
      let stop = buf.length;
      for (let i = buf.length - 1; i >= 0 && found.length < n; i--) {
        if (buf[i] !== 0x0a) continue;
        const line = buf.toString('utf8', i + 1, stop);
        if (stop !== buf.length || line !== '' || pos !== end) pushIf(found, line, grep);
        stop = i;
      }
      carry = buf.subarray(0, stop);
      pos = start;
      if (pos === 0 && found.length < n && carry.length) pushIf(found, carry.toString('utf8'), grep);
    }
  } finally {
    fs.closeSync(fd);
  }
  return found.reverse();
}

function pushIf(out: string[], line: string, grep: string): void {
  if (!grep || line.includes(grep)) out.push(line);
}

/** Complete lines in [from, to) and the offset after the last complete one. */
export function readLines(file: string, from: number, to: number, grep: string): { lines: string[]; next: number } {
  if (to <= from) return { lines: [], next: from };
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { lines: [], next: from };
  }
  try {
    const buf = Buffer.alloc(to - from);
    const got = fs.readSync(fd, buf, 0, buf.length, from);
    const last = buf.lastIndexOf(0x0a, got - 1);
    if (last < 0) return { lines: [], next: from };
    const lines = buf
      .toString('utf8', 0, last)
      .split('\n')
      .filter((l) => !grep || l.includes(grep));
    return { lines, next: from + last + 1 };
  } finally {
    fs.closeSync(fd);
  }
}

function sendAll(req: LogRequest, lines: string[], offset: number): boolean {
  for (let i = 0; i < lines.length; i += SEND_LINES) {
    const last = i + SEND_LINES >= lines.length;
    if (!req.send(lines.slice(i, i + SEND_LINES), offset, last)) return false;
  }
  if (!lines.length) return req.send([], offset, true);
  return true;
}

/**
 * Streams a log to req. `finished()` says the task has exited: following stops once everything
 * it wrote has been read.
 */
export async function streamLog(file: string, req: LogRequest, finished: () => boolean): Promise<void> {
  let offset = size(file);
  let lines: string[];
  if (req.tail > 0) {
    // the tail ends at the last complete line when following, so follow picks up from there
    const r = readLines(file, Math.max(0, offset - 1), offset, '');
    const endsClean = r.next === offset || offset === 0;
    const end = req.follow && !endsClean ? lastNewlineEnd(file, offset) : offset;
    lines = tailLines(file, req.tail, req.grep, end);
    if (lines.length < req.tail) {
      const older = tailLines(`${file}.1`, req.tail - lines.length, req.grep, size(`${file}.1`));
      lines = older.concat(lines);
    }
    offset = end;
  } else {
    const old = readLines(`${file}.1`, 0, size(`${file}.1`), req.grep).lines;
    const cur = readLines(file, 0, offset, req.grep);
    lines = old.concat(cur.lines);
    offset = cur.next;
  }
  if (!sendAll(req, lines, offset) || !req.follow) return;

  let gone = false;
  void req.cancelled.then(() => (gone = true));
  while (!gone) {
    const wasFinished = finished();
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
    if (gone) return;
    const s = size(file);
    if (s < offset) {
      // rotated: what was written after our offset is at the same offset in <file>.1
      const r = readLines(`${file}.1`, offset, size(`${file}.1`), req.grep);
      if (r.lines.length && !req.send(r.lines, 0, true)) return;
      offset = 0;
    }
    if (s > offset) {
      const r = readLines(file, offset, s, req.grep);
      offset = r.next;
      if (r.lines.length && !req.send(r.lines, offset, true)) return;
    } else if (wasFinished) {
      return;
    }
  }
}

function lastNewlineEnd(file: string, end: number): number {
  const from = Math.max(0, end - CHUNK);
  const r = readLines(file, from, end, '');
  return r.next === from && from > 0 ? end : r.next;
}
