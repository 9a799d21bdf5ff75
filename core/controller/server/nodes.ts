// Control RPCs on nodes: list (with load from heartbeats), add (dial an agent), remove. Add and
// remove edit the inventory (nodes.yaml, ../inventory/) first: a bad file refuses them, unchanged.
import type { AddNodeRequest, ControlServer, ListNodesReply, ListNodesRequest, Node, RemoveNodeRequest } from '../../rpc/gen/control.js';
import { parseAddress } from '../../rpc/address.js';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { AgentPool } from '../agents/pool.js';
import { nodeToProto } from '../convert.js';
import { nodeDown } from '../faults.js';
import { unary } from './wrap.js';

/** how long AddNode waits for the agent's Hello before answering with what it knows */
const ADD_WAIT_MS = 5000;

async function waitUp(controller: ControllerCore, address: string, ms: number): Promise<Node> {
  const until = Date.now() + ms;
  for (;;) {
    const link = controller.links.get(address);
    const node = link?.name ? controller.nodes.get(link.name) : undefined;
    if (node?.up && node.address === address) return nodeToProto(node);
    // refused: the agent belongs to another controller; say so now rather than after the wait
    if (node?.refused && node.address === address && !link?.takeOver) return nodeToProto(node);
    if (Date.now() >= until || !link) {
      if (node) return nodeToProto(node);
      return {
        name: link?.name ?? '',
        address,
        host: '',
        labels: {},
        resources: undefined,
        up: false,
        lastSeenMs: 0,
        cpu: 0,
        memUsed: 0,
        memTotal: 0,
        tasks: 0,
        sim: false,
        pid: 0,
        suspect: false,
        suspectSinceMs: 0,
        refused: link?.refusal ?? '',
        owner: '',
        loopLagMs: 0,
        schedule: 'ready',
        usedBy: [],
        inInventory: false,
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An agent added by address said who it is: its entry goes into the inventory under that name. */
async function keepInInventory(controller: ControllerCore, reply: Node, address: string): Promise<void> {
  const node = controller.nodes.get(reply.name);
  if (!node || node.address !== address) return;
  try {
    await controller.inventory.add(reply.name, address);
    node.inInventory = reply.inInventory = true;
  } catch (e) {
    // the agent is connected; only keeping it failed (a name the inventory cannot hold, a broken file)
    console.error(`baton controller: node ${reply.name} is connected but not kept in the inventory: ${(e as Error).message}`);
  }
}

export function nodeHandlers(controller: ControllerCore, pool: AgentPool): Pick<ControlServer, 'listNodes' | 'addNode' | 'removeNode'> {
  return {
    listNodes: unary<ListNodesRequest, ListNodesReply>(controller, () => ({
      nodes: controller.nodes
        .all()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(nodeToProto),
    })),

    addNode: unary<AddNodeRequest, Node>(controller, async (req) => {
      if (!req.address) throw new BatonError('BAD_INPUT', 'an agent address is required (unix:///path or host:port)', { where: 'address' });
      parseAddress(req.address, 'address');
      pool.checkDialable(req.address); // before anything is saved: bad input changes nothing
      if (req.name) {
        const known = controller.nodes.get(req.name);
        if (known && known.address && known.address !== req.address) {
          if (known.up) {
            throw new BatonError('BAD_INPUT', `node ${req.name} is already connected at ${known.address}`, { where: 'name', node: req.name });
          }
          pool.undial(known.address);
        }
        await controller.inventory.add(req.name, req.address); // throws on a bad name or file: nothing changed
        const n = controller.nodes.ensure(req.name, req.address);
        n.address = req.address;
        n.inInventory = true;
      }
      pool.dial(req.address, req.name, req.takeOver);
      const reply = await waitUp(controller, req.address, ADD_WAIT_MS);
      if (!req.name && reply.name && !reply.refused) await keepInInventory(controller, reply, req.address);
      return reply;
    }),

    removeNode: unary<RemoveNodeRequest, Node>(controller, async (req) => {
      const n = controller.nodes.get(req.name);
      if (!n) throw new BatonError('NOT_FOUND', `node ${req.name || '(empty name)'} not found`, { node: req.name, where: 'name' });
      await controller.inventory.remove(n.name); // first: a file that does not validate keeps the node
      if (n.address) pool.undial(n.address);
      // its tasks are lost now; RECOVER places them elsewhere
      if (n.tasks.size) nodeDown(controller, n, 'node removed');
      n.up = false;
      n.link = null;
      controller.nodes.delete(n.name);
      await controller.store.deleteNode(n.name);
      controller.emit({ kind: 'node.down', node: n.name, message: `node ${n.name} removed`, data: { removed: 'true' } });
      return nodeToProto(n);
    }),
  };
}
