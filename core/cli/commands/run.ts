// baton run list|show|comment
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { parseCount } from '../args.js';
import { withControl } from '../context.js';
import { runJson, runRecordJson } from '../json.js';
import { renderRunRecord } from '../run-record.js';
import { fmtDuration, fmtTime, isJsonMode, out, printJson, table, withJson } from '../output.js';

function parseRunNumber(s: string): number {
  const n = parseCount(s, 'run number', 1);
  if (n > 0xffffffff) throw new BatonError('BAD_INPUT', `run number ${s} is too large`, { where: 'run number' });
  return n;
}

export function register(program: Command): void {
  const run = program.command('run').description('runs (the periods an environment is RUNNING) and their records');
  withJson(
    run
      .command('list')
      .alias('ls')
      .description('run history, newest first')
      .option('--env <id>', 'only the runs of this environment')
      .option('--limit <n>', 'at most N runs', '50'),
  ).action(async (o: { env?: string; limit: string }, cmd: Command) => {
    const limit = parseCount(o.limit, '--limit');
    await withControl(cmd, async (c) => {
      const runs = (await c.call('listRuns', { envId: o.env ?? '', limit })).runs;
      if (isJsonMode()) return printJson(runs.map(runJson));
      if (!runs.length) return out('no runs yet');
      out(
        table(
          ['RUN', 'ENV', 'NAME', 'TYPE', 'STATE', 'STARTED', 'DURATION', 'TASKS', 'STARTED BY', 'STOPPED BY', 'END'],
          runs.map((r) => [
            r.runNumber,
            r.envId,
            r.envName || r.workflow,
            r.runType || '-',
            r.state,
            fmtTime(r.startedMs),
            fmtDuration((r.stoppedMs || Date.now()) - r.startedMs) + (r.stoppedMs ? '' : ' (open)'),
            r.tasks,
            r.startedBy || r.owner || '-',
            r.stoppedBy || '-',
            r.endReason || '-',
          ]),
        ),
      );
    });
  });

  withJson(
    run
      .command('show <run>')
      .description("a run's record: type, environment, detectors, who started and stopped it, why it ended, its configuration and comments")
      .option('--config', 'print the configuration snapshot whole (vars in force, the rendered workflow; with --json: include the rendered workflow)'),
  ).action(async (n: string, o: { config?: boolean }, cmd: Command) => {
    const runNumber = parseRunNumber(n);
    await withControl(cmd, async (c) => {
      const r = await c.call('getRun', { runNumber, withRendered: !!o.config });
      if (isJsonMode()) return printJson(runRecordJson(r));
      out(renderRunRecord(r, { wholeConfig: !!o.config }));
    });
  });

  withJson(run.command('comment <run> <text>').description('add a comment to a run (kept with your name and the time)')).action(
    async (n: string, text: string, _o, cmd: Command) => {
      const runNumber = parseRunNumber(n);
      if (!text.trim()) throw new BatonError('BAD_INPUT', 'the comment is empty', { where: 'text' });
      await withControl(cmd, async (c) => {
        const r = await c.call('commentRun', { runNumber, text });
        if (isJsonMode()) return printJson(runRecordJson(r));
        const last = r.comments[r.comments.length - 1];
        out(`comment added to run ${r.runNumber}${last ? ` by ${last.user}` : ''} (${r.comments.length} in all)`);
      });
    },
  );
}
