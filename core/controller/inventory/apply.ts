// At start the inventory's nodes become the controller's nodes: known by name, dialled at their
// address (host:agentPort, or the entry's own address), cordoned or drained as the file says.
// When an agent says Hello, the labels and capacity its entry gives win over the agent's own.
import type { InventoryNode } from '../../model/inventory.js';
import type { ControllerCore } from '../core.js';
import type { NodeRuntime } from '../nodes.js';
import { dialAddress } from './validate.js';

export function applyInventory(controller: ControllerCore): void {
  for (const entry of controller.inventory.nodes) {
    const address = dialAddress(entry);
    const node = controller.nodes.ensure(entry.name, address);
    node.address = address;
    node.inInventory = true;
    node.cordoned = entry.cordoned;
    node.drained = entry.drained;
    if (Object.keys(entry.labels).length) node.labels = { ...node.labels, ...entry.labels };
  }
}

/** The entry's labels over the agent's, its capacity where it gives one (0: the agent's). */
export function inventoryOverrides(entry: InventoryNode | undefined, node: NodeRuntime): void {
  if (!entry) return;
  node.labels = { ...node.labels, ...entry.labels };
  if (entry.resources.cpu) node.cpuCap = entry.resources.cpu;
  if (entry.resources.memoryBytes) node.memCap = entry.resources.memoryBytes;
}
