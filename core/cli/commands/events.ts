// baton events [--env id] [--follow] [--from seq]; baton event-sinks (event-sinks.ts)
import type { Command } from 'commander';
import { errorLine } from '../errors.js';
import { detailFromProto } from '../../rpc/errors.js';
import type { Event } from '../../rpc/gen/control.js';
import { collect, parseCount } from '../args.js';
import { withControl } from '../context.js';
import { followEvents } from './events-follow.js';
import { register as registerEventSinks } from './event-sinks.js';
import { eventJson } from '../json.js';
import { fmtTime, isJsonMode, out, printJson, printJsonLine, withJson } from '../output.js';

/** How long the replay may stay quiet before it counts as finished (filters can hide the last seq). */
const REPLAY_IDLE_MS = 750;

function eventLine(e: Event): string {
  const what = [e.envId, e.taskId && e.taskId !== e.envId ? e.taskId.replace(`${e.envId}/`, '') : '', e.node ? `@${e.node}` : ''].filter(Boolean).join(' ');
  const detail = [e.transition, e.state, e.runNumber ? `run ${e.runNumber}` : '', e.message].filter(Boolean).join(' ');
  const data = Object.entries(e.data)
    .filter(([k]) => k !== 'phase' || !detail)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const err = e.error?.code ? `  error: ${errorLine(detailFromProto(e.error))}` : '';
  return `${String(e.seq).padStart(6)} ${fmtTime(e.timeMs)} ${e.kind.padEnd(15)} ${what}${detail ? `  ${detail}` : ''}${data ? `  ${data}` : ''}${err}`;
}

export function register(program: Command): void {
  registerEventSinks(program);
  withJson(
    program
      .command('events')
      .description('the event log: replay stored events, optionally follow new ones')
      .option('--env <id>', 'only events of this environment')
      .option('--kind <prefix>', 'only events whose kind starts with this (repeatable: task. env. run. node. hook.)', collect, [])
      .option('--from <seq>', 'start after this event sequence number (default: from the beginning)')
      .option('-f, --follow', 'keep printing new events until interrupted'),
    'JSON: an array; with --follow one event per line',
  ).action(async (o: { env?: string; kind: string[]; from?: string; follow?: boolean }, cmd: Command) => {
    const from = o.from !== undefined ? parseCount(o.from, '--from') : 0;
    if (o.follow) {
      // across controller restarts: events-follow.ts
      await followEvents(cmd, { from, envId: o.env ?? '', kinds: o.kind }, (e) => (isJsonMode() ? printJsonLine(eventJson(e)) : out(eventLine(e))));
      return;
    }
    await withControl(cmd, async (c) => {
      const last = (await c.call('getInfo', {})).lastEventSeq;
      const collected: ReturnType<typeof eventJson>[] = [];
      if (last <= from) {
        if (isJsonMode()) printJson([]);
        return;
      }
      await new Promise<void>((resolve, reject) => {
        const call = c.stream('subscribe', { fromSeq: from, envId: o.env ?? '', kinds: o.kind, replayAll: from === 0 });
        let idle: NodeJS.Timeout | undefined;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(idle);
          call.cancel();
          resolve();
        };
        const armIdle = () => {
          clearTimeout(idle);
          idle = setTimeout(finish, REPLAY_IDLE_MS);
        };
        process.once('SIGINT', finish);
        process.once('SIGTERM', finish);
        armIdle();
        call.on('data', (b) => {
          if (done) return;
          for (const e of b.events) {
            if (e.seq > last) return finish();
            if (isJsonMode()) collected.push(eventJson(e));
            else out(eventLine(e));
            if (e.seq >= last) return finish();
          }
          armIdle();
        });
        call.on('error', (e) => (done ? resolve() : reject(e)));
        call.on('end', finish);
      });
      if (isJsonMode()) printJson(collected);
    });
  });
}
