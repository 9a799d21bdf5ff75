// YAML with positions: a template file parsed into plain JS values plus a map from JSON pointers
// (the same form ajv uses for instancePath) to source offsets, so every error can name
// file:line:col. Nothing here evaluates templates.
import { parseDocument, LineCounter, isMap, isSeq, isScalar, isAlias, isPair, type Node, type Document } from 'yaml';
import { BatonError } from '../model/errors.js';

export interface SourceFile {
  file: string; // path shown in messages
  text: string;
  value: unknown; // plain JS (numbers stay numbers, no bigint)
  /** pointer -> offset of the value node */
  pos: Map<string, number>;
  /** pointer -> offset of the key node that holds the value (maps only) */
  keyPos: Map<string, number>;
  lineCounter: LineCounter;
  /** YAML syntax errors (empty when the file parsed) */
  errors: { offset: number; message: string }[];
}

/** Guards against alias bombs and absurd documents (real templates have a few thousand nodes). */
const MAX_NODES = 250_000;

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childPointer(ptr: string, key: string | number): string {
  return `${ptr}/${typeof key === 'number' ? key : escapePointer(key)}`;
}

export function parseSource(file: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const src: SourceFile = { file, text, value: undefined, pos: new Map(), keyPos: new Map(), lineCounter, errors: [] };
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    src.errors.push({ offset: 0, message: `YAML: ${(e as Error).message}` });
    return src;
  }
  for (const err of doc.errors) {
    src.errors.push({ offset: err.pos?.[0] ?? 0, message: `YAML: ${firstLine(err.message)}` });
  }
  if (src.errors.length) return src;
  let count = 0;
  const stack = new Set<Node>();
  const targets = new Map<unknown, Node | undefined>(); // alias.resolve() searches the document: once per alias
  const walk = (node: unknown, ptr: string): unknown => {
    if (++count > MAX_NODES) throw new WalkError('document too large (alias expansion?)', nodeOffset(node));
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      let target = targets.get(node);
      if (!targets.has(node)) {
        target = node.resolve(doc) as Node | undefined;
        targets.set(node, target);
      }
      if (!target) throw new WalkError(`unresolved alias *${node.source}`, nodeOffset(node));
      if (stack.has(target)) throw new WalkError(`recursive alias *${node.source}`, nodeOffset(node));
      src.pos.set(ptr, nodeOffset(node));
      stack.add(target);
      const v = walkInner(target, ptr, false);
      stack.delete(target);
      return v;
    }
    return walkInner(node, ptr, true);
  };
  const walkInner = (node: unknown, ptr: string, record: boolean): unknown => {
    if (record) src.pos.set(ptr, nodeOffset(node));
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      return v;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => walk(item, childPointer(ptr, i)));
    }
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        let key: string;
        if (k === null || k === undefined) key = '';
        else if (isScalar(k)) key = String(k.value);
        else throw new WalkError('map keys must be plain scalars', nodeOffset(k));
        const cp = childPointer(ptr, key);
        src.keyPos.set(cp, nodeOffset(k));
        const v = walk(pair.value, cp);
        if (!src.pos.has(cp)) src.pos.set(cp, nodeOffset(k)); // `key:` with no value
        // defineProperty: a key such as __proto__ must stay data, never touch the prototype
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    throw new WalkError('unsupported YAML node', nodeOffset(node));
  };
  try {
    src.value = walk(doc.contents, '');
  } catch (e) {
    if (e instanceof WalkError) src.errors.push({ offset: e.offset, message: `YAML: ${e.message}` });
    else if (e instanceof RangeError) src.errors.push({ offset: 0, message: 'YAML: document nested too deeply' });
    else throw e;
  }
  return src;
}

class WalkError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function nodeOffset(node: unknown): number {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : 0;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

export function lineCol(src: SourceFile, offset: number): { line: number; col: number } {
  const p = src.lineCounter.linePos(Math.max(0, Math.min(offset, src.text.length)));
  return { line: p.line, col: p.col };
}

/** file:line:col of the node at `ptr` (the nearest recorded ancestor if the node has no position). */
export function whereOf(src: SourceFile, ptr: string, key = false): string {
  const { line, col } = posOf(src, ptr, key);
  return `${src.file}:${line}:${col}`;
}

export function posOf(src: SourceFile, ptr: string, key = false): { line: number; col: number } {
  let p = ptr;
  for (;;) {
    const off = (key ? src.keyPos.get(p) : undefined) ?? src.pos.get(p);
    if (off !== undefined) return lineCol(src, off);
    if (p === '') return { line: 1, col: 1 };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

export function templateError(src: SourceFile, ptr: string, message: string, reason: string, key = false): BatonError {
  return new BatonError('BAD_TEMPLATE', message, { where: whereOf(src, ptr, key), data: { reason } });
}

/** Throws the first YAML error of `src` as BAD_TEMPLATE. */
export function assertParsed(src: SourceFile): void {
  if (src.errors.length) {
    const e = src.errors[0];
    const { line, col } = lineCol(src, e.offset);
    throw new BatonError('BAD_TEMPLATE', e.message, { where: `${src.file}:${line}:${col}`, data: { reason: 'yaml' } });
  }
}
