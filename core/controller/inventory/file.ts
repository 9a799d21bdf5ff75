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
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { inventory: { nodes: [] }, doc: emptyDocument() };
    throw new BatonError('BAD_INPUT', `${file}: cannot be read: ${(e as Error).message}`, { where: file });
  }
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    const where = at ? `${file}:${at.line}:${at.col}` : file;
    throw new BatonError('BAD_INPUT', `${where}: not valid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, { where });
  }
  const inventory = validateInventory(file, doc.toJS());
  if (doc.contents === null || (isMap(doc.contents) && !doc.has('nodes'))) doc.set('nodes', doc.createNode([]));
  if (!isMap(doc.contents) || !isSeq(doc.get('nodes', true))) {
    // `nodes:` with nothing after it parses as null; an edit needs a list there
    doc.set('nodes', doc.createNode([]));
  }
  return { inventory, doc };
}

/** Validates the edited document and writes it over the file (temp file, fsync, rename). */
export function writeInventoryFile(file: string, doc: Document): Inventory {
  const inventory = validateInventory(file, doc.toJS()); // an edit that breaks the file is refused
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, doc.toString({ lineWidth: 0 }));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  return inventory;
}
