// baton node bootstrap | upgrade: install, check and repair agents on remote nodes over ssh
// (core/remote/bootstrap/, docs/remote-nodes.md). Registered on the `node` group of commands/node.ts.
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { packageRoot } from '../../local/paths.js';
import { homeOf } from '../context.js';
import { type InventorySource, readRemoteInventory } from '../remote-inventory.js';
import { isJsonMode, out, printJson, withJson } from '../output.js';

interface RemoteOpts extends InventorySource {
  installRoot: string;
  service: string;
  json?: boolean;
}

function addCommand(node: Command, name: 'bootstrap' | 'upgrade', description: string): void {
  withJson(
    node
      .command(name)
      .description(description)
      .argument('[names...]', 'the nodes (default: every node of the inventory)')
      .option('--inventory <file>', "the inventory (default: the controller's, $BATON_HOME/controller/nodes.yaml)")
      .option('--store <url>', "a fail-over cluster's etcd store (etcd://host:port or etcds://): the inventory its controllers share")
      .option('--store-ca <file>', "with etcds://: the CA of etcd's certificate")
      .option('--store-cert <file>', 'with etcds://: the client certificate')
      .option('--store-key <file>', 'with etcds://: its key')
      .option('--install-root <dir>', 'on the node: the folder of install folders (<dir>/<name>); ~/ is the login home', '~/.baton-node')
      .option(
        '--service <how>',
        'how the agent is kept running: auto (systemd user unit where `systemctl --user` works, else a supervised process), systemd, process',
        'auto',
      ),
  ).action(async (names: string[], o: RemoteOpts, cmd: Command) => {
    if (!['auto', 'systemd', 'process'].includes(o.service)) {
      throw new BatonError('BAD_INPUT', `--service ${o.service}: auto, systemd or process`, { where: '--service' });
    }
    const home = homeOf(cmd);
    // the controller's inventory (or the cluster's), read and checked by the controller's own loader
    const inventory = await readRemoteInventory(home, o);
    const { bootstrapNodes, selectNodes, summaryLine } = await import('../../remote/bootstrap/index.js');
    const nodes = selectNodes(inventory.nodes, names, inventory.where);
    const width = Math.max(...nodes.map((n) => n.name.length));
    const results = await bootstrapNodes(
      nodes,
      { home, packageRoot: packageRoot(), installRoot: o.installRoot, service: o.service as 'auto', upgrade: name === 'upgrade' },
      (r) => {
        if (!isJsonMode()) out(`${r.node.padEnd(width)}  ${r.step.padEnd(11)}  ${r.status.padEnd(9)}  ${r.detail}`);
      },
    );
    if (isJsonMode()) printJson(results.map((r) => ({ ...r, error: r.error?.detail })));
    else out(summaryLine(results, name));
    if (results.some((r) => !r.ok)) process.exitCode = 1;
  });
}

export function register(program: Command): void {
  const node = program.commands.find((c) => c.name() === 'node');
  if (!node) throw new Error('commands/node.js registers the node group before node-remote.js');
  addCommand(
    node,
    'bootstrap',
    'install or check the agent on nodes of the inventory over ssh (release, certificate, service), and start it; a re-run repairs what is missing and changes nothing else',
  );
  addCommand(node, 'upgrade', "replace the agent on nodes by this build's; their tasks keep running and the new agent adopts them");
}
