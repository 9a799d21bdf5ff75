// Where `baton node bootstrap|upgrade` read the nodes from: the controller's nodes.yaml (one
// controller, SQLite), or, with --store, the inventory a fail-over cluster keeps in its etcd store
// (meta/inventory), the one every controller of the cluster reads and `baton node add` edits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import type { InventoryNode } from '../model/inventory.js';
import { INVENTORY_META_KEY } from '../controller/cluster/inventory.js';
import { inventoryPath, parseInventoryText, readInventoryFile } from '../controller/inventory/file.js';
import { loadTls, tlsFromFlags } from '../rpc/tls.js';
import { openEtcdStore } from '../store/etcd.js';
import { parseEtcdUrl } from '../store/etcd-url.js';

export interface InventorySource {
  inventory?: string;
  store?: string;
  storeCa?: string;
  storeCert?: string;
  storeKey?: string;
}

/** The inventory's nodes and where they were read (for messages). */
export async function readRemoteInventory(home: string, o: InventorySource): Promise<{ nodes: InventoryNode[]; where: string }> {
  if (o.store && o.inventory)
    throw new BatonError('BAD_INPUT', '--inventory and --store: give one (a file, or the cluster store that holds it)', { where: '--store' });
  if (o.store) return storeInventory(o);
  const file = path.resolve(o.inventory ?? inventoryPath(home));
  if (!fs.existsSync(file)) {
    throw new BatonError(
      'NOT_FOUND',
      `no inventory at ${file}: add nodes with baton node add, write one (docs/remote-nodes.md, "The inventory"), give --inventory FILE, or --store etcd://… for a cluster`,
      { where: file },
    );
  }
  return { nodes: readInventoryFile(file).inventory.nodes, where: file };
}

async function storeInventory(o: InventorySource): Promise<{ nodes: InventoryNode[]; where: string }> {
  const address = parseEtcdUrl(o.store!);
  const files = tlsFromFlags({ ca: o.storeCa, cert: o.storeCert, key: o.storeKey }, { ca: '--store-ca', cert: '--store-cert', key: '--store-key' });
  const store = await openEtcdStore(address, loadTls(files, 'etcd store'));
  try {
    const where = `${store.describe} meta/${INVENTORY_META_KEY}`;
    const text = await store.getMeta(INVENTORY_META_KEY);
    if (text === null) {
      throw new BatonError('NOT_FOUND', `no inventory in the cluster's store (${where}): add nodes with baton node add through its leader`, {
        where: '--store',
      });
    }
    return { nodes: parseInventoryText(text, where).inventory.nodes, where };
  } finally {
    await store.close();
  }
}
