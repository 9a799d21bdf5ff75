// SearchLogs on the agent: one request for many of its tasks' logs (the controller asks each
// agent once for all its tasks of a search), answered with the lines by capture time.
import type { AgentSearchLogsReply, AgentSearchLogsRequest } from '../../rpc/gen/agent.js';
import type { LogEntry } from '../../rpc/gen/common.js';
import { lineMatcher, readForward, readTail, segments, type LogFilter } from './read.js';

export const DEFAULT_SEARCH_LIMIT = 1000;

export interface SearchedFile {
  taskId: string;
  path: string;
  complete: boolean;
}

/** Entries sorted by time; ties keep each task's own order (the sort is stable). */
export function byTime(entries: LogEntry[]): LogEntry[] {
  return entries.sort((a, b) => a.timeMs - b.timeMs);
}

export function searchLogs(files: SearchedFile[], missing: string[], req: AgentSearchLogsRequest): AgentSearchLogsReply {
  const filter: LogFilter = { grep: req.grep, regex: req.regex, sinceMs: req.sinceMs };
  lineMatcher(filter); // a bad pattern fails here, before any file is read
  const limit = req.limit || DEFAULT_SEARCH_LIMIT;
  let truncated = false;
  const all: LogEntry[] = [];
  for (const f of files) {
    const o = { complete: f.complete, markers: req.markers };
    const r = req.tail > 0 ? readTail(f.path, req.tail, 0, filter, o) : readForward(f.path, segments(f.path)[0]!.base, limit, filter, o);
    if (r.truncated && !(req.tail > 0)) truncated = true;
    for (const e of r.entries) all.push({ ...e, taskId: f.taskId });
  }
  byTime(all);
  if (all.length > limit) {
    truncated = true;
    all.length = limit;
  }
  return { entries: all, truncated, missing };
}
