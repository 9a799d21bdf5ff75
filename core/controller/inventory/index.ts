// The node inventory a controller runs on: nodes.yaml loaded at start, and every change an
// operator makes (add, remove, cordon, drain, uncordon) applied to the file first. Each edit
// re-reads the file (a hand edit since is kept), changes only the entry it is about, validates the
// result and writes it atomically; a bad file or a bad edit throws and changes nothing. Edits run
// one after another. Where the text lives is an InventoryText: the file (one controller), or one
// key of the etcd store that every controller of a fail-over cluster reads (cluster/inventory.ts).
import fs from 'node:fs';
import type { Document } from 'yaml';
import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { BatonError } from '../../model/errors.js';
import type { Inventory, InventoryNode } from '../../model/inventory.js';
import { parseAddress } from '../../rpc/address.js';
import { inventoryPath, inventoryText, parseInventoryText, writeInventoryText } from './file.js';
import { NODE_NAME } from './validate.js';

export { inventoryPath } from './file.js';
export { dialAddress, validateInventory } from './validate.js';

/** What may be asked of a node's placement: cordon and drain both refuse new placements. */
export interface NodeFlags {
  cordoned: boolean;
  drained: boolean;
}

/** The entry AddNode writes: a tcp address becomes host + agentPort, a unix socket stays an address. */
export function entryForAddress(name: string, address: string): Record<string, unknown> {
  if (!NODE_NAME.test(name)) {
    throw new BatonError('BAD_INPUT', `node name ${JSON.stringify(name)} must match [a-z0-9][a-z0-9_.-]* to be kept in the inventory`, {
      where: 'name',
      node: name,
    });
  }
  const parsed = parseAddress(address, 'address');
  if (parsed.kind === 'tcp') return { name, host: parsed.host, agentPort: parsed.port };
  return { name, address };
}

/** Where the inventory's YAML text is kept: read whole, written whole (atomically). */
export interface InventoryText {
  /** names it in errors: the file, or the store's key */
  readonly where: string;
  /** null: no inventory yet */
  read(): Promise<string | null>;
  write(text: string): Promise<void>;
}

/** nodes.yaml on disk. */
export function inventoryFile(file: string): InventoryText {
  return {
    where: file,
    async read() {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new BatonError('BAD_INPUT', `${file}: cannot be read: ${(e as Error).message}`, { where: file });
      }
    },
    async write(text) {
      writeInventoryText(file, text);
    },
  };
}

export class NodeInventory {
  private current: Inventory = { nodes: [] };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly source: InventoryText) {}

  static forHome(home: string): NodeInventory {
    return new NodeInventory(inventoryFile(inventoryPath(home)));
  }

  /** where the inventory is kept (the file, or the store's key) */
  get where(): string {
    return this.source.where;
  }

  /** Reads the inventory (throws BAD_INPUT naming where, node and field). */
  async load(): Promise<Inventory> {
    this.current = parseInventoryText(await this.source.read(), this.where).inventory;
    return this.current;
  }

  get nodes(): readonly InventoryNode[] {
    return this.current.nodes;
  }

  get(name: string): InventoryNode | undefined {
    return this.current.nodes.find((n) => n.name === name);
  }

  /** Adds the node or points it at a new address (its flags and other fields stay). */
  add(name: string, address: string): Promise<InventoryNode> {
    const entry = entryForAddress(name, address);
    return this.edit((doc, nodes) => {
      const at = indexOf(nodes, name);
      if (at < 0) {
        nodes.add(doc.createNode(entry));
        return;
      }
      const item = nodes.get(at) as YAMLMap;
      // re-pointed: the old way of reaching it goes, the new one is written
      for (const k of ['host', 'agentPort', 'address']) if (!(k in entry) && item.has(k)) item.delete(k);
      for (const [k, v] of Object.entries(entry)) if (k !== 'name') item.set(k, v);
    }).then(() => this.get(name)!);
  }

  /** Removes the node's entry; false when it had none. */
  async remove(name: string): Promise<boolean> {
    let found = false;
    await this.edit((_doc, nodes) => {
      const at = indexOf(nodes, name);
      found = at >= 0;
      if (found) nodes.delete(at);
    });
    return found;
  }

  /** Sets cordoned/drained; a node not in the file yet (an agent given with --agent) is added
   *  at its address, so the state survives a restart. */
  setFlags(name: string, address: string, flags: NodeFlags): Promise<InventoryNode> {
    return this.edit((doc, nodes) => {
      let at = indexOf(nodes, name);
      if (at < 0) {
        nodes.add(doc.createNode(entryForAddress(name, address)));
        at = nodes.items.length - 1;
      }
      const item = nodes.get(at) as YAMLMap;
      for (const key of ['cordoned', 'drained'] as const) {
        // an absent key means false: only a true one is written, an existing one is kept (with its comment)
        if (flags[key] || item.has(key)) item.set(key, flags[key]);
      }
    }).then(() => this.get(name)!);
  }

  private edit(change: (doc: Document, nodes: YAMLSeq) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const { doc } = parseInventoryText(await this.source.read(), this.where);
      const nodes = doc.get('nodes', true);
      if (!isSeq(nodes)) throw new BatonError('INTERNAL', `${this.where}: nodes is not a list after reading`, { where: this.where });
      change(doc, nodes);
      const { inventory, text } = inventoryText(this.where, doc);
      await this.source.write(text);
      this.current = inventory;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function indexOf(nodes: YAMLSeq, name: string): number {
  return nodes.items.findIndex((item) => isMap(item) && item.get('name') === name);
}
