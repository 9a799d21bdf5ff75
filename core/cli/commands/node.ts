// baton node list
import type { Command } from 'commander';
import { withControl } from '../context.js';
import { nodeJson } from '../json.js';
import { fmtAge, fmtBytes, isJsonMode, out, printJson, table, withJson } from '../output.js';

export function register(program: Command): void {
  const node = program.command('node').description('nodes (one agent each)');
  withJson(node.command('list').alias('ls').description('list nodes with their labels and health'))
    .action(async (_o, cmd: Command) => {
      await withControl(cmd, async (c) => {
        const nodes = (await c.call('listNodes', {})).nodes;
        if (isJsonMode()) return printJson(nodes.map(nodeJson));
        if (!nodes.length) return out('no nodes');
        const shown = nodes.length > 200 ? nodes.filter((n) => !n.sim).concat(nodes.filter((n) => n.sim).slice(0, 20)) : nodes;
        out(table(['NODE', 'UP', 'TASKS', 'CPU', 'MEMORY', 'LABELS', 'ADDRESS', 'SEEN'],
          shown.map((n) => [n.name, n.up ? 'up' : 'DOWN', n.tasks, n.cpu ? `${n.cpu.toFixed(0)}%` : '-' /* percent of all cores */,
            n.memTotal ? `${fmtBytes(n.memUsed)}/${fmtBytes(n.memTotal)}` : '-',
            Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-', n.address, n.lastSeenMs ? `${fmtAge(n.lastSeenMs)} ago` : '-'])));
        const up = nodes.filter((n) => n.up).length;
        if (shown.length < nodes.length) out(`... ${nodes.length - shown.length} more simulated nodes`);
        out(`${up}/${nodes.length} up`);
      });
    });
}
