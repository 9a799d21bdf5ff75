// Evaluating template values at a known place: every failure becomes BAD_TEMPLATE naming
// file:line:col (and the expression, for expression errors).
import { BatonError } from '../model/errors.js';
import { evalDeep, ExprError, celToString, celTypeName, type Scope } from './expr.js';
import { childPointer, templateError, whereOf, type SourceFile } from './source.js';
import { parseDuration, parseMemory } from './units.js';

/** Prefix for messages about a value evaluated on behalf of a role (e.g. a class field). */
export interface At {
  src: SourceFile;
  /** JSON pointer of the node; see ptrOf (sub() builds it lazily: most places are never reported) */
  ptr: string;
  /** "role readout-0 (class readout)" when the value lives in another file than the role */
  context?: string;
}

/** A child place whose pointer string is only built when asked for. */
class SubAt implements At {
  private p?: string;
  constructor(
    readonly parent: At,
    readonly key: string | number,
    readonly src: SourceFile,
    readonly context?: string,
  ) {}
  get ptr(): string {
    if (this.p === undefined) this.p = childPointer(this.parent.ptr, this.key);
    return this.p;
  }
}

export function fail(at: At, message: string, reason: string): never {
  throw templateError(at.src, at.ptr, at.context ? `${at.context}: ${message}` : message, reason);
}

export function sub(at: At, key: string | number): At {
  return new SubAt(at, key, at.src, at.context);
}

export function evalAt(at: At, v: unknown, scope: Scope): unknown {
  try {
    return evalDeep(v, scope);
  } catch (e) {
    if (e instanceof ExprError) {
      const msg = `expression ${e.display}: ${e.message}`;
      throw new BatonError('BAD_TEMPLATE', at.context ? `${at.context}: ${msg}` : msg, {
        where: whereOf(at.src, at.ptr),
        data: { reason: 'expr', expr: e.expr },
      });
    }
    throw e;
  }
}

export function evalString(at: At, v: unknown, scope: Scope, what: string): string {
  const r = evalAt(at, v, scope);
  if (typeof r === 'string') return r;
  if (typeof r === 'bigint' || typeof r === 'number' || typeof r === 'boolean') return String(r);
  return fail(at, `${what} must be a string, got ${celTypeName(r)}`, 'type');
}

export function evalBool(at: At, v: unknown, scope: Scope, dflt: boolean, what: string): boolean {
  if (v === undefined || v === null) return dflt;
  const r = evalAt(at, v, scope);
  if (typeof r === 'boolean') return r;
  if (r === 'true') return true;
  if (r === 'false') return false;
  return fail(at, `${what} must be true or false, got ${celTypeName(r)} ${shortJson(r)}`, 'type');
}

export function evalInt(at: At, v: unknown, scope: Scope, dflt: number, what: string, min?: number): number {
  if (v === undefined || v === null) return dflt;
  let r = evalAt(at, v, scope);
  if (typeof r === 'string' && /^\s*-?\d+\s*$/.test(r)) r = BigInt(r.trim());
  let n: number | undefined;
  if (typeof r === 'bigint') n = Number(r);
  else if (typeof r === 'number' && Number.isInteger(r)) n = r;
  if (n === undefined || !Number.isSafeInteger(n)) return fail(at, `${what} must be an integer, got ${celTypeName(r)} ${shortJson(r)}`, 'type');
  if (min !== undefined && n < min) return fail(at, `${what} must be at least ${min}, got ${n}`, 'range');
  return n;
}

export function evalNumber(at: At, v: unknown, scope: Scope, dflt: number, what: string): number {
  if (v === undefined || v === null) return dflt;
  const r = evalAt(at, v, scope);
  const n = typeof r === 'bigint' ? Number(r) : typeof r === 'number' ? r : typeof r === 'string' && r.trim() !== '' ? Number(r) : NaN;
  if (!Number.isFinite(n)) return fail(at, `${what} must be a number, got ${celTypeName(r)} ${shortJson(r)}`, 'type');
  return n;
}

export function evalDuration(at: At, v: unknown, scope: Scope, dflt: number, what: string): number {
  if (v === undefined || v === null) return dflt;
  const r = evalAt(at, v, scope);
  const ms = parseDuration(r);
  if (ms === null) return fail(at, `${what} must be a duration (5s, 250ms, 2m, or milliseconds), got ${shortJson(r)}`, 'type');
  return ms;
}

export function evalMemory(at: At, v: unknown, scope: Scope, dflt: number, what: string): number {
  if (v === undefined || v === null) return dflt;
  const r = evalAt(at, v, scope);
  const b = parseMemory(r);
  if (b === null) return fail(at, `${what} must be a memory size (512Mi, 2Gi, or bytes), got ${shortJson(r)}`, 'type');
  return b;
}

/** A map whose values are sent as strings (properties, env, constraints). */
export function evalStringMap(at: At, v: unknown, scope: Scope, into: Record<string, string> = {}): Record<string, string> {
  if (!v || typeof v !== 'object') return into;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const r = evalAt(sub(at, k), x, scope);
    Object.defineProperty(into, k, { value: celToString(r), enumerable: true, writable: true, configurable: true });
  }
  return into;
}

export function shortJson(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : celToString(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
