// baton node list | add | remove | cordon | drain | uncordon (add, remove and the maintenance
// commands edit the controller's inventory, nodes.yaml)
import type { Command } from 'commander';
import type { Node } from '../../rpc/gen/control.js';
import { parseAddress } from '../../rpc/address.js';
import { withControl } from '../context.js';
import { nodeJson } from '../json.js';
import { fmtAge, fmtBytes, isJsonMode, out, printJson, table, withJson } from '../output.js';

/** up, SUSPECT (lost session, within the agent-loss grace), REFUSED (belongs to another controller) or DOWN */
function health(n: Node): string {
  if (n.up) return 'up';
  if (n.refused) return 'REFUSED';
  return n.suspect ? 'SUSPECT' : 'DOWN';
}

function withHealth(n: Node) {
  return {
    ...nodeJson(n),
    suspect: n.suspect,
    refused: n.refused || null,
    owner: n.owner || null,
    loopLagMs: n.loopLagMs,
    schedule: n.schedule,
    usedBy: n.usedBy,
    inInventory: n.inInventory,
  };
}

/** draining names what still uses the node: that is what the operator waits for */
function scheduleText(n: Node): string {
  return n.schedule === 'draining' ? `draining (${n.usedBy.length} env)` : n.schedule || 'ready';
}

/** One line after a maintenance command: the state, and for a drain what still uses the node. */
function maintained(n: Node): void {
  if (isJsonMode()) return printJson(withHealth(n));
  out(`node ${n.name} ${n.schedule}`);
  if (n.schedule === 'draining') out(`still used by ${n.usedBy.length} environment(s): ${n.usedBy.join(', ')}`);
  if (n.schedule === 'drained') out('no environment uses it');
}

const MAINTENANCE = [
  ['cordon', 'cordonNode', 'refuse new placements on the node; what runs there keeps running'],
  ['drain', 'drainNode', 'cordon the node and name the environments still using it (nothing is moved): "draining" until none do, then "drained"'],
  ['uncordon', 'uncordonNode', 'take new placements again (undoes cordon and drain)'],
] as const;

export function register(program: Command): void {
  const node = program.command('node').description('nodes (one agent each)');
  withJson(node.command('list').alias('ls').description('list nodes with their labels and health')).action(async (_o, cmd: Command) => {
    await withControl(cmd, async (c) => {
      const nodes = (await c.call('listNodes', {})).nodes;
      if (isJsonMode()) return printJson(nodes.map(withHealth));
      if (!nodes.length) return out('no nodes');
      const shown = nodes.length > 200 ? nodes.filter((n) => !n.sim).concat(nodes.filter((n) => n.sim).slice(0, 20)) : nodes;
      out(
        table(
          ['NODE', 'UP', 'SCHEDULE', 'TASKS', 'CPU', 'MEMORY', 'LABELS', 'ADDRESS', 'SEEN'],
          shown.map((n) => [
            n.name,
            health(n),
            scheduleText(n),
            n.tasks,
            n.cpu ? `${n.cpu.toFixed(0)}%` : '-' /* percent of all cores */,
            n.memTotal ? `${fmtBytes(n.memUsed)}/${fmtBytes(n.memTotal)}` : '-',
            Object.entries(n.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(',') || '-',
            n.address,
            n.lastSeenMs ? `${fmtAge(n.lastSeenMs)} ago` : '-',
          ]),
        ),
      );
      const up = nodes.filter((n) => n.up).length;
      if (shown.length < nodes.length) out(`... ${nodes.length - shown.length} more simulated nodes`);
      out(`${up}/${nodes.length} up`);
      for (const n of shown) if (n.refused) out(`${n.name}: ${n.refused}`);
      for (const n of shown) if (n.schedule === 'draining') out(`${n.name} draining, still used by: ${n.usedBy.join(', ')}`);
    });
  });

  withJson(
    node
      .command('remove')
      .alias('rm')
      .description('forget a node: its inventory entry goes, the controller stops dialling it (its tasks are lost; RECOVER places them elsewhere)')
      .argument('<name>', 'the node'),
  ).action(async (name: string, _o, cmd: Command) => {
    await withControl(cmd, async (c) => {
      const n = await c.call('removeNode', { name });
      if (isJsonMode()) return printJson(withHealth(n));
      out(`node ${n.name} removed${n.tasks ? ` (${n.tasks} task(s) lost)` : ''}`);
    });
  });

  for (const [verb, method, description] of MAINTENANCE) {
    withJson(node.command(verb).description(description).argument('<name>', 'the node')).action(async (name: string, _o, cmd: Command) => {
      await withControl(cmd, async (c) => maintained(await c.call(method, { name })));
    });
  }

  withJson(
    node
      .command('add')
      .description('dial an agent and keep it in the inventory (nodes.yaml); --take-over claims an agent that belongs to another controller')
      .argument('<address>', 'unix:///path or host:port')
      .option('--name <name>', "the name to know it by (default: the agent's own)")
      .option('--take-over', 'take the agent over from the controller it belongs to (that controller loses it and its tasks)'),
  ).action(async (address: string, o: { name?: string; takeOver?: boolean }, cmd: Command) => {
    parseAddress(address, 'address');
    await withControl(cmd, async (c) => {
      const n = await c.call('addNode', { address, name: o.name ?? '', takeOver: !!o.takeOver });
      if (isJsonMode()) return printJson(withHealth(n));
      if (n.refused) {
        out(`node ${n.name || address} REFUSED: ${n.refused}`);
        process.exitCode = 1;
        return;
      }
      out(`node ${n.name || address} ${health(n)} at ${n.address}${n.up ? ` (${n.tasks} task(s))` : ''}`);
    });
  });
}
