// baton run list
import type { Command } from 'commander';
import { parseCount } from '../args.js';
import { withControl } from '../context.js';
import { runJson } from '../json.js';
import { fmtDuration, fmtTime, isJsonMode, out, printJson, table, withJson } from '../output.js';

export function register(program: Command): void {
  const run = program.command('run').description('runs (the periods an environment is RUNNING)');
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
          ['RUN', 'ENV', 'WORKFLOW', 'STATE', 'STARTED', 'DURATION', 'TASKS', 'OWNER'],
          runs.map((r) => [
            r.runNumber,
            r.envId,
            r.workflow,
            r.state,
            fmtTime(r.startedMs),
            fmtDuration((r.stoppedMs || Date.now()) - r.startedMs) + (r.stoppedMs ? '' : ' (open)'),
            r.tasks,
            r.owner || '-',
          ]),
        ),
      );
    });
  });
}
