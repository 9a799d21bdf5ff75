// nodes.yaml on disk: read into a yaml Document (so an edit keeps the operator's comments and
// layout), validated as a whole, and written back atomically (a temp file renamed over the old
// one: a crash leaves the old file or the new one, never half of one).
import fs from 'node:fs';
import path from 'node:path';
import { Document, parseDocument, isMap, isSeq } from 'yaml';
import { BatonError } from '../../model/errors.js';
import type { Inventory } from '../../model/inventory.js';
import { validateInventory } from './validate.js';

const HEADER =
  ' Baton node inventory: the machines this controller uses (docs/operations.md, "Node inventory").\n' +
  ' Edited by `baton node add|remove|cordon|drain|uncordon`; comments are kept.';

/** nodes.yaml in the controller's configuration directory (<home>/controller). */
export function inventoryPath(home: string): string {
  return path.join(path.resolve(home), 'controller', 'nodes.yaml');
}

export interface InventoryFile {
  inventory: Inventory;
  doc: Document;
}

function emptyDocument(): Document {
  const doc = new Document({ nodes: [] });
  doc.commentBefore = HEADER;
  return doc;
}

/** Reads and validates the file; a missing file is an empty inventory. */
export function readInventoryFile(file: string): InventoryFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return parseInventoryText(null, file);
    throw new BatonError('BAD_INPUT', `${file}: cannot be read: ${(e as Error).message}`, { where: file });
  }
  return parseInventoryText(text, file);
}

/** Parses and validates inventory YAML read from `where` (a file, or the etcd store's key);
 *  null is no inventory yet: an empty one. */
export function parseInventoryText(text: string | null, where: string): InventoryFile {
  if (text === null) return { inventory: { nodes: [] }, doc: emptyDocument() };
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    const located = at ? `${where}:${at.line}:${at.col}` : where;
    throw new BatonError('BAD_INPUT', `${located}: not valid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, {
      where: located,
    });
  }
  const inventory = validateInventory(where, doc.toJS());
  if (doc.contents === null || (isMap(doc.contents) && !doc.has('nodes'))) doc.set('nodes', doc.createNode([]));
  if (!isMap(doc.contents) || !isSeq(doc.get('nodes', true))) {
    // `nodes:` with nothing after it parses as null; an edit needs a list there
    doc.set('nodes', doc.createNode([]));
  }
  return { inventory, doc };
}

/** The inventory's text, validated, as it is written (to the file or to the store). */
export function inventoryText(where: string, doc: Document): { inventory: Inventory; text: string } {
  const inventory = validateInventory(where, doc.toJS()); // an edit that breaks the inventory is refused
  return { inventory, text: doc.toString({ lineWidth: 0 }) };
}

/** Writes the text over the file (temp file, fsync, rename). */
export function writeInventoryText(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}
