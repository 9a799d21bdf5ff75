// TaskLogs on the agent: the first part (a forward page from a position, the last N lines, or the
// whole log), then, when following, new lines as they come, polled every FOLLOW_POLL_MS. Every
// chunk says the position to resume from (LogChunk.offset), so a client whose stream broke
// (controller or agent restart) asks again from there and gets no line twice and none lost.
import type { LogEntry } from '../../rpc/gen/common.js';
import type { LogRequest } from '../driver.js';
import { readForward, readTail, segments, type LogFilter, type ReadResult } from './read.js';

export const FOLLOW_POLL_MS = 200;
const SEND_ENTRIES = 1000;
const DEFAULT_PAGE = 1000;

function sendResult(req: LogRequest, r: ReadResult, eof: boolean): boolean {
  const { entries } = r;
  if (!entries.length) return req.send([], r.next, eof, { entries: [], first: r.first, end: r.end, truncated: r.truncated });
  for (let i = 0; i < entries.length; i += SEND_ENTRIES) {
    const part = entries.slice(i, i + SEND_ENTRIES);
    const last = i + SEND_ENTRIES >= entries.length;
    const lines = part.filter((e) => !e.marker).map((e) => e.text);
    // a chunk's resume position is that of the whole read only on its last chunk
    const next = last ? r.next : nextAfter(part);
    if (!req.send(lines, next, last && eof, { entries: part, first: r.first, end: r.end, truncated: last && r.truncated })) return false;
  }
  return true;
}

function nextAfter(part: LogEntry[]): number {
  for (let i = part.length - 1; i >= 0; i--) {
    const e = part[i]!;
    if (!e.marker) return e.position + Buffer.byteLength(e.text) + 1;
  }
  return part[part.length - 1]!.position;
}

/** Streams a log to req; `finished()` says the task has exited (following ends once all is read). */
export async function streamTaskLog(logPath: string, req: LogRequest, finished: () => boolean): Promise<void> {
  const filter: LogFilter = { grep: req.grep, regex: !!req.regex, sinceMs: req.sinceMs ?? 0 };
  const markers = req.markers !== false;
  const complete = finished();
  let r: ReadResult;
  if (req.hasFrom) {
    r = readForward(logPath, req.fromPosition ?? 0, req.follow ? Number.MAX_SAFE_INTEGER : req.limit || DEFAULT_PAGE, filter, {
      complete,
      markers,
      afterMarkerMs: req.afterMarkerMs,
    });
  } else if (req.tail > 0) {
    r = readTail(logPath, req.tail, req.toPosition ?? 0, filter, { complete: complete && !req.follow, markers });
  } else {
    r = readForward(logPath, segments(logPath)[0]!.base, Number.MAX_SAFE_INTEGER, filter, { complete, markers });
  }
  if (!sendResult(req, r, true) || !req.follow) return;
  const seen = new Set(r.entries.filter((e) => e.marker).map(markerKey));
  let next = r.next;
  let gone = false;
  void req.cancelled.then(() => (gone = true));
  while (!gone) {
    const wasFinished = finished();
    await new Promise((res) => setTimeout(res, FOLLOW_POLL_MS));
    if (gone) return;
    const more = readForward(logPath, next, DEFAULT_PAGE * 10, filter, { complete: wasFinished, markers, afterMarkerMs: req.afterMarkerMs });
    more.entries = more.entries.filter((e) => !e.marker || !seen.has(markerKey(e)));
    for (const e of more.entries) if (e.marker) seen.add(markerKey(e));
    if (more.entries.length) {
      if (!sendResult(req, more, true)) return;
    } else if (wasFinished && more.next === next) {
      return;
    }
    next = more.next;
  }
}

function markerKey(e: LogEntry): string {
  return `${e.position}:${e.timeMs}:${e.marker}`;
}
