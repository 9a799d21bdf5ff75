// Control RPCs for node maintenance: CordonNode, DrainNode, UncordonNode. Each writes nodes.yaml
// first (a file that does not validate refuses the call and changes nothing), then the node in
// memory. None moves a task: a drain's reply names the environments still using the node.
import type { ControlServer, Node, NodeNameRequest } from '../../rpc/gen/control.js';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { nodeToProto } from '../convert.js';
import { unary } from '../server/wrap.js';
import type { NodeFlags } from './index.js';
import { environmentsUsing } from './schedule.js';

async function setFlags(controller: ControllerCore, name: string, change: (now: NodeFlags) => NodeFlags, kind: string): Promise<Node> {
  const node = controller.nodes.get(name);
  if (!node) throw new BatonError('NOT_FOUND', `node ${name || '(empty name)'} not found`, { node: name, where: 'name' });
  if (!node.address) {
    throw new BatonError('BAD_INPUT', `node ${name} has no address to keep in the inventory (add it with \`baton node add\`)`, { node: name, where: 'name' });
  }
  const flags = change({ cordoned: node.cordoned, drained: node.drained });
  await controller.inventory.setFlags(name, node.address, flags);
  node.cordoned = flags.cordoned;
  node.drained = flags.drained;
  node.inInventory = true;
  const usedBy = environmentsUsing(node);
  const still = usedBy.length ? `; still used by ${usedBy.join(', ')}` : '';
  controller.emit({
    kind,
    node: name,
    message: `node ${name} ${kind.slice('node.'.length)}ed${flags.drained ? still : ''}`,
    data: { usedBy: usedBy.join(',') },
  });
  return nodeToProto(node);
}

export function maintenanceHandlers(controller: ControllerCore): Pick<ControlServer, 'cordonNode' | 'drainNode' | 'uncordonNode'> {
  return {
    cordonNode: unary<NodeNameRequest, Node>(controller, (req) => setFlags(controller, req.name, (now) => ({ ...now, cordoned: true }), 'node.cordon')),
    drainNode: unary<NodeNameRequest, Node>(controller, (req) => setFlags(controller, req.name, () => ({ cordoned: true, drained: true }), 'node.drain')),
    uncordonNode: unary<NodeNameRequest, Node>(controller, (req) =>
      setFlags(controller, req.name, () => ({ cordoned: false, drained: false }), 'node.uncordon'),
    ),
  };
}
