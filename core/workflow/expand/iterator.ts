// The items of an iterator role (`for: {range | list, var}`): what the role is repeated for.
import { MAX_RANGE, type Scope } from '../expr.js';
import { RESERVED } from '../specs.js';
import { evalAt, fail, sub, type At } from '../evaluate.js';
import type { Raw } from './state.js';
import { limitError, MAX_FOR_ITEMS } from '../limits.js';

export interface IteratorItems {
  /** the name each item is bound to in the item's scope (default `it`) */
  varName: string;
  items: unknown[];
}

/** Evaluates the `for` spec at `fAt` in `scope`: a range (a count or a list of ints) or a list. */
export function iteratorItems(spec: Raw, fAt: At, scope: Scope): IteratorItems {
  const hasRange = spec.range !== undefined;
  const hasList = spec.list !== undefined;
  if (hasRange === hasList) fail(fAt, 'for needs exactly one of range or list', 'role');
  const varName = typeof spec.var === 'string' ? spec.var : 'it';
  if (RESERVED.has(varName)) fail(sub(fAt, 'var'), `the iterator var may not be called ${varName}`, 'role');
  let items: unknown[];
  if (hasRange) {
    const rAt = sub(fAt, 'range');
    const v = evalAt(rAt, spec.range, scope);
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) {
      const n = Number(v);
      if (n < 0 || n > MAX_RANGE) fail(rAt, `for range ${n} is out of bounds (0..${MAX_RANGE})`, 'role');
      items = Array.from({ length: n }, (_x, i) => BigInt(i));
    } else if (Array.isArray(v) && v.every((x) => typeof x === 'bigint')) {
      items = v;
    } else {
      fail(rAt, `for range must give a list of integers or a count, got ${describe(v)}`, 'role');
    }
  } else {
    const lAt = sub(fAt, 'list');
    const v = evalAt(lAt, spec.list, scope);
    if (!Array.isArray(v)) fail(lAt, `for list must give a list, got ${describe(v)}`, 'role');
    items = v;
  }
  if (items.length > MAX_FOR_ITEMS) throw limitError(fAt, `for gives ${items.length} items`, 'workflow.for', MAX_FOR_ITEMS, items.length);
  return { varName, items };
}

/** A value as a `got ...` in messages. */
function describe(v: unknown): string {
  if (typeof v === 'bigint') return `int ${v}`;
  if (Array.isArray(v)) return 'a list';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}
