// baton task list|logs|kill
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { ListTasksRequest } from '../../rpc/gen/control.js';
import { parseSignal } from '../args.js';
import { register as registerLogs } from './task-logs.js';
import { withControl } from '../context.js';
import { taskJson } from '../json.js';
import { fmtBytes, isJsonMode, out, printJson, table, withJson } from '../output.js';

export function register(program: Command): void {
  const task = program.command('task').description('tasks: list, logs, kill (fault injection)');

  withJson(
    task
      .command('list')
      .alias('ls')
      .description('list tasks')
      .option('--env <id>', 'only the tasks of this environment')
      .option('--node <name>', 'only the tasks on this node')
      .option('--state <state>', 'only tasks in this state'),
  ).action(async (o: { env?: string; node?: string; state?: string }, cmd: Command) => {
    await withControl(cmd, async (c) => {
      const tasks = (await c.call('listTasks', ListTasksRequest.fromPartial({ envId: o.env ?? '', node: o.node ?? '', state: (o.state ?? '').toUpperCase() })))
        .tasks;
      if (isJsonMode()) return printJson(tasks.map(taskJson));
      if (!tasks.length) return out('no tasks');
      out(
        table(
          ['TASK', 'STATE', 'NODE', 'PID', 'CRITICAL', 'CPU', 'RSS'],
          tasks.map((t) => [
            t.id,
            t.lost ? `${t.state} (lost)` : t.state,
            t.node || '-',
            t.pid > 0 ? t.pid : '-',
            t.critical ? 'yes' : 'no',
            t.cpu ? `${t.cpu.toFixed(0)}%` : '-' /* percent of one core */,
            fmtBytes(t.rssBytes),
          ]),
        ),
      );
    });
  });

  registerLogs(task);

  withJson(
    task
      .command('kill <task-id>')
      .description('kill a task process (fault injection; the controller reacts as to a crash)')
      .option('--signal <sig>', 'the signal to send', 'SIGKILL'),
  ).action(async (id: string, o: { signal: string }, cmd: Command) => {
    const signal = parseSignal(o.signal);
    await withControl(cmd, async (c) => {
      const t = await c.call('killTask', { id, signal });
      if (!t?.id) throw new BatonError('INTERNAL', `the controller did not say which task it killed (${id})`);
      if (isJsonMode()) return printJson(taskJson(t));
      out(`sent ${signal} to ${t.id}${t.pid > 0 ? ` (pid ${t.pid}` : ' ('}${t.node ? ` on ${t.node}` : ''})`);
    });
  });
}
