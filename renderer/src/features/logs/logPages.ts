// Pages of a task's log from the agent, by position (TaskLogs without follow): the last lines
// before a position, or lines forward from one. Each entry carries the agent's capture time and
// markers (start, exit, crash, adopt, transition) sit among the lines (docs/logs.md).
import type { LogEntry } from '../../../../core/rpc/gen/common.js';
import type { TaskLogsRequest } from '../../../../core/rpc/gen/control.js';
import { openStream } from '../../api/stream.js';

export interface LogPage {
  entries: LogEntry[];
  /** the position after the last line: where reading on starts */
  next: number;
  /** the oldest position still on disk */
  first: number;
  truncated: boolean;
}

export function readPage(req: Partial<TaskLogsRequest> & { taskId: string }): Promise<LogPage> {
  return new Promise((resolve, reject) => {
    const page: LogPage = { entries: [], next: 0, first: 0, truncated: false };
    openStream(
      'TaskLogs',
      { ...req, follow: false },
      {
        onMessage: (c) => {
          page.entries.push(...c.entries);
          page.next = c.offset;
          page.first = c.firstPosition;
          page.truncated ||= c.truncated;
        },
        onEnd: () => resolve(page),
        onError: reject,
      },
    );
  });
}

export function clockOf(ms: number): string {
  if (!ms) return '--:--:--.---';
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Markers a person should not miss: how they are labelled in the viewer. */
export function markerLabel(kind: string): string {
  switch (kind) {
    case 'crash':
      return 'Crashed';
    case 'exit':
      return 'Exited';
    case 'start':
      return 'Started';
    case 'adopt':
      return 'Agent restarted';
    case 'transition':
      return 'Transition';
    default:
      return kind;
  }
}

/** Entries of `b` that `a` does not already hold (pages may overlap at their edges). */
export function withoutSeen(a: LogEntry[], b: LogEntry[]): LogEntry[] {
  const seen = new Set(a.map(key));
  return b.filter((e) => !seen.has(key(e)));
}

export function key(e: LogEntry): string {
  return `${e.position}:${e.marker}:${e.timeMs}`;
}
