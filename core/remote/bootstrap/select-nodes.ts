// The nodes of the inventory that `baton node bootstrap NAME…` names. The inventory itself is read
// and checked by the controller's loader (core/controller/inventory/), the one source of truth.
import { BatonError } from '../../model/errors.js';
import type { InventoryNode } from '../../model/inventory.js';

/** The named nodes (all when none is named); an unknown name is NOT_FOUND. */
export function selectNodes(nodes: InventoryNode[], names: string[], file: string): InventoryNode[] {
  if (!names.length) return nodes;
  return names.map((n) => {
    const found = nodes.find((x) => x.name === n);
    if (!found)
      throw new BatonError('NOT_FOUND', `node ${n} is not in the inventory ${file} (it lists ${nodes.map((x) => x.name).join(', ') || 'none'})`, {
        where: file,
      });
    return found;
  });
}
