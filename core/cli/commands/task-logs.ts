// baton task logs <task-id | ENV/glob>: one task's log (tail, pages by position, search, follow
// that resumes by position across controller and agent restarts), or a search over many tasks
// of an environment, merged by the agents' capture times (docs/logs.md).
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import type { LogChunk, LogEntry } from '../../rpc/gen/common.js';
import { TaskLogsRequest } from '../../rpc/gen/control.js';
import type { ControlConnection } from '../../rpc/control-client.js';
import { parseCount } from '../args.js';
import { withControl } from '../context.js';
import { isJsonMode, printJson, printJsonLine, withJson } from '../output.js';
import { parseTimeFlag } from './audit.js';

/** how long a broken follow waits before asking again */
const RETRY_MS = 500;

interface LogsFlags {
  follow?: boolean;
  tail: string;
  grep?: string;
  regex?: boolean;
  since?: string;
  from?: string;
  limit?: string;
  times?: boolean;
  tailGiven?: boolean;
}

function clock(ms: number): string {
  if (!ms) return '--:--:--.---';
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** One entry as printed: markers stand out from the task's own lines. */
export function formatEntry(e: LogEntry, o: { times: boolean; task: boolean }): string {
  const parts: string[] = [];
  if (o.times) parts.push(clock(e.timeMs));
  if (o.task) parts.push(`${e.taskName || e.taskId} |`);
  parts.push(e.marker ? `--- ${e.marker}: ${e.text} ---` : e.text);
  return parts.join(' ');
}

/** `ENV/glob` -> the environment and the glob; null for a plain task id. */
export function splitTaskGlob(arg: string): { envId: string; tasks: string } | null {
  if (!/[*?]/.test(arg)) return null;
  const slash = arg.indexOf('/');
  if (slash <= 0) throw new BatonError('BAD_INPUT', `${arg}: a task glob is ENV/PATTERN, e.g. 'env-1/*' or 'env-1/readout*'`, { where: 'task' });
  return { envId: arg.slice(0, slash), tasks: arg.slice(slash + 1) };
}

export function register(task: Command): void {
  withJson(
    task
      .command('logs <task>')
      .description("print a task's log, or search the logs of an environment's tasks ('ENV/*')")
      .option('-f, --follow', 'keep printing new lines until interrupted (resumes after a controller or agent restart)')
      .option('--tail <n>', 'only the last N lines (per task with a glob)', '200')
      .option('--grep <text>', 'only lines containing this text (the whole log is searched)')
      .option('--regex', '--grep is a regular expression')
      .option('--since <time>', 'only lines written since: 10m, 2h (ago), or a date and time')
      .option('--from <position>', 'read forward from this log position (paging; see --json)')
      .option('--limit <n>', 'at most N lines (forward reads and searches)')
      .option('--times', "print the agent's capture time of each line"),
    'one JSON object per chunk (a single task) or one document (a glob)',
  ).action(async (arg: string, o: LogsFlags, cmd: Command) => {
    const glob = splitTaskGlob(arg);
    o.tailGiven = cmd.getOptionValueSource('tail') === 'cli';
    await withControl(cmd, (c) => (glob ? searchMany(c, glob, o) : oneTask(c, arg, o)));
  });
}

async function searchMany(c: ControlConnection, glob: { envId: string; tasks: string }, o: LogsFlags): Promise<void> {
  if (o.follow) throw new BatonError('BAD_INPUT', '--follow reads one task at a time: give a task id, not a glob', { where: '--follow' });
  const searching = !!o.grep || !!o.since;
  const reply = await c.call('searchLogs', {
    envId: glob.envId,
    tasks: glob.tasks,
    grep: o.grep ?? '',
    regex: !!o.regex,
    sinceMs: o.since ? parseTimeFlag(o.since, '--since') : 0,
    limit: o.limit ? parseCount(o.limit, '--limit', 1) : 0,
    // a search looks at whole logs unless --tail is given; a plain listing shows each task's tail
    tail: searching && !o.tailGiven ? 0 : parseCount(o.tail, '--tail'),
    markers: true,
  });
  if (isJsonMode()) return printJson(reply);
  for (const e of reply.entries) process.stdout.write(`${formatEntry(e, { times: true, task: true })}\n`);
  for (const u of reply.unavailable) process.stderr.write(`baton: ${u.message}\n`);
  if (reply.truncated) process.stderr.write(`baton: only the first ${reply.entries.length} lines (--limit, or narrow with --since/--grep)\n`);
}

function oneTask(c: ControlConnection, taskId: string, o: LogsFlags): Promise<void> {
  const base = TaskLogsRequest.fromPartial({
    taskId,
    follow: !!o.follow,
    grep: o.grep ?? '',
    regex: !!o.regex,
    sinceMs: o.since ? parseTimeFlag(o.since, '--since') : 0,
    limit: o.limit ? parseCount(o.limit, '--limit', 1) : 0,
  });
  if (o.from !== undefined) {
    base.hasFrom = true;
    base.fromPosition = parseCount(o.from, '--from');
  } else if ((o.grep || o.since) && !o.tailGiven) {
    base.tail = 0; // a search reads the whole log
  } else {
    base.tail = parseCount(o.tail, '--tail');
  }
  return new Promise<void>((resolve, reject) => {
    let position = -1; // where to resume: the offset of the last chunk
    let lastMarkerMs = 0;
    let call: ReturnType<ControlConnection['stream']> | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;
    const stop = () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      call?.cancel();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const open = () => {
      const req = position >= 0 ? { ...base, tail: 0, hasFrom: true, fromPosition: position, afterMarkerMs: lastMarkerMs } : base;
      const s = c.stream('taskLogs', req);
      call = s;
      s.on('data', (chunk: LogChunk) => {
        print(chunk, !!o.times);
        for (const e of chunk.entries) if (e.marker) lastMarkerMs = Math.max(lastMarkerMs, e.timeMs);
        position = chunk.offset;
        if (chunk.eof && !o.follow) stop();
      });
      let failed = false;
      s.on('error', (e: BatonError) => {
        failed = true; // grpc-js may still say 'end' after an error: that end is not the log's
        if (stopped) return;
        // a follow outlives a restart of the controller or of the task's agent: it asks again
        // from the last position it printed, so no line is lost or printed twice
        if (o.follow && (e.code === 'UNAVAILABLE' || e.code === 'INTERNAL')) {
          process.stderr.write(`baton: ${e.message}; reconnecting\n`);
          retry = setTimeout(open, RETRY_MS);
          return;
        }
        reject(e);
      });
      s.on('end', () => {
        if (!stopped && !failed) stop();
      });
    };
    open();
  });
}

function print(chunk: LogChunk, times: boolean): void {
  if (isJsonMode()) return printJsonLine(chunk);
  const entries = chunk.entries.length ? chunk.entries : chunk.lines.map((text) => ({ text, marker: '', timeMs: 0 }) as LogEntry);
  if (!entries.length) return;
  process.stdout.write(`${entries.map((e) => formatEntry(e, { times, task: false })).join('\n')}\n`);
}
