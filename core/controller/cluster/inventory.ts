// The node inventory of a fail-over cluster lives in the etcd store (meta/inventory, the same YAML
// text nodes.yaml holds), not in each controller's home: every controller of the cluster reads
// the one the leader edited, so a node added, cordoned or drained through one leader is known to
// its successor after a kill -9. The write is a store write like any other, fenced on the leader
// key. The first leader of a cluster whose store holds no inventory yet imports its home's
// nodes.yaml once; after that the file is not read (a controller that finds one that differs says
// so at start).
import fs from 'node:fs';
import type { Store } from '../../store/store.js';
import { inventoryPath, type InventoryText, NodeInventory } from '../inventory/index.js';

/** the store's meta key that holds the inventory's YAML text */
export const INVENTORY_META_KEY = 'inventory';

export function storedInventoryText(store: Store): InventoryText {
  return {
    where: `${store.describe} meta/${INVENTORY_META_KEY}`,
    read: () => store.getMeta(INVENTORY_META_KEY),
    write: (text) => store.setMeta(INVENTORY_META_KEY, text),
  };
}

function readFileOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The cluster's inventory, nodes.yaml of `home` imported first when the store has none yet.
 *  `say` gets one line for an import or a local file that is not used. */
export async function clusterInventory(store: Store, home: string, say: (line: string) => void): Promise<NodeInventory> {
  const text = storedInventoryText(store);
  const file = inventoryPath(home);
  const local = readFileOrNull(file);
  const stored = await store.getMeta(INVENTORY_META_KEY);
  const inventory = new NodeInventory(text);
  if (stored === null && local !== null) {
    // validated first (as the file's): a bad nodes.yaml is refused and nothing is imported
    await new NodeInventory({ where: file, read: async () => local, write: async () => {} }).load();
    await text.write(local);
    say(`imported ${file} into the cluster's store (${text.where}): \`baton node\` edits it there from now on`);
  } else if (stored !== null && local !== null && local !== stored) {
    say(`${file} is not used: the cluster's inventory is in the store (${text.where}); \`baton node list\` shows it`);
  }
  return inventory;
}
