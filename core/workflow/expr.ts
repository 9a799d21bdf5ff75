// `{{ expr }}` in template strings, evaluated with CEL (never eval). Each distinct template
// string is compiled once and cached: a `for` over 150,000 items evaluates, it does not re-parse.
//
// Values in a scope are CEL values: ints are bigint, floats are number. `toCel` / `fromCel`
// convert between those and plain JSON values.
import { Environment } from '@marcbachmann/cel-js';

/** Largest list range() may build: keeps a typo from eating the machine. */
export const MAX_RANGE = 2_000_000;

export class ExprError extends Error {
  /** how messages show the expression: {{ expr }}, or the whole string when it is malformed */
  readonly display: string;
  constructor(
    message: string,
    readonly expr: string,
    display?: string,
  ) {
    super(message);
    this.display = display ?? `{{ ${expr} }}`;
  }
}

function range(a: bigint, b: bigint): bigint[] {
  if (b - a > BigInt(MAX_RANGE)) throw new Error(`range(${a}, ${b}) has more than ${MAX_RANGE} items`);
  const out: bigint[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

function makeEnv(): Environment {
  return new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 2000, maxDepth: 60, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 16 },
  })
    .registerFunction('range(int, int): list<int>', range, { description: 'integers a, a+1, ..., b-1' })
    .registerFunction('range(int): list<int>', (n: bigint) => range(0n, n), { description: 'integers 0 .. n-1' })
    .registerFunction(
      'pad(int, int): string',
      (v: bigint, w: bigint) => {
        const width = Number(w > 64n ? 64n : w);
        const s = (v < 0n ? -v : v).toString().padStart(width, '0');
        return v < 0n ? `-${s}` : s;
      },
      { description: 'the integer zero-padded to a width: pad(7, 3) == "007"' },
    )
    .registerFunction('min(int, int): int', (a: bigint, b: bigint) => (a < b ? a : b))
    .registerFunction('max(int, int): int', (a: bigint, b: bigint) => (a > b ? a : b))
    .registerFunction('min(double, double): double', (a: number, b: number) => Math.min(a, b))
    .registerFunction('max(double, double): double', (a: number, b: number) => Math.max(a, b))
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
}

const env = makeEnv();

export type Scope = Record<string, unknown>;
type Fn = (scope: Scope) => unknown;

/** A compiled template string. */
export type Compiled =
  | { kind: 'literal'; value: string }
  | { kind: 'single'; expr: string; fn: Fn }
  | { kind: 'mixed'; parts: (string | { expr: string; fn: Fn })[] };

const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 20_000;

export function hasTemplate(s: string): boolean {
  return s.includes('{{');
}

/** Compiles (or fetches from the cache) a template string. Throws ExprError. */
export function compileTemplate(s: string): Compiled {
  let c = cache.get(s);
  if (c) return c;
  c = compileUncached(s);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(s, c);
  return c;
}

function compileExpr(expr: string): Fn {
  const src = expr.trim();
  if (!src) throw new ExprError('empty expression {{ }}', expr);
  // JS regular expressions can backtrack for ever; a template must not be able to hang the controller
  if (/\.\s*matches\s*\(|\bmatches\s*\(/.test(src)) throw new ExprError('matches() is not available in templates (use contains, startsWith, endsWith)', src);
  try {
    const f = env.parse(src) as unknown as Fn;
    return f;
  } catch (e) {
    throw new ExprError(celMessage(e), src);
  }
}

function compileUncached(s: string): Compiled {
  if (!s.includes('{{')) return { kind: 'literal', value: s };
  const parts: (string | { expr: string; fn: Fn })[] = [];
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('{{', i);
    if (open < 0) {
      parts.push(s.slice(i));
      break;
    }
    if (open > i) parts.push(s.slice(i, open));
    const close = s.indexOf('}}', open + 2);
    if (close < 0) throw new ExprError(`"{{" at offset ${open} is never closed with "}}"`, s.slice(open + 2).trim(), JSON.stringify(s));
    const expr = s.slice(open + 2, close);
    parts.push({ expr: expr.trim(), fn: compileExpr(expr) });
    i = close + 2;
  }
  const only = parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : undefined;
  if (only && typeof only !== 'string') return { kind: 'single', expr: only.expr, fn: only.fn };
  return { kind: 'mixed', parts };
}

/**
 * Evaluates a template string. Exactly one `{{ }}` keeps the expression's CEL type (int, bool,
 * list); mixed text interpolates to a string. Throws ExprError.
 */
export function evalTemplate(s: string, scope: Scope): unknown {
  const c = compileTemplate(s);
  switch (c.kind) {
    case 'literal':
      return c.value;
    case 'single':
      return run(c.expr, c.fn, scope);
    case 'mixed': {
      let out = '';
      for (const p of c.parts) out += typeof p === 'string' ? p : celToString(run(p.expr, p.fn, scope));
      return out;
    }
  }
}

function run(expr: string, fn: Fn, scope: Scope): unknown {
  let v: unknown;
  try {
    v = fn(scope);
  } catch (e) {
    throw new ExprError(celMessage(e), expr);
  }
  if (v instanceof Promise) throw new ExprError('asynchronous expressions are not allowed', expr);
  return v;
}

function celMessage(e: unknown): string {
  if (e instanceof Error) {
    const summary = (e as { summary?: string }).summary;
    return summary ?? e.message.split('\n')[0];
  }
  return String(e);
}

/** Recursively evaluates every string in a JSON-ish value. */
export function evalDeep(v: unknown, scope: Scope): unknown {
  if (typeof v === 'string') return evalTemplate(v, scope);
  if (Array.isArray(v)) return v.map((x) => evalDeep(x, scope));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) defineKey(out, k, evalDeep(x, scope));
    return out;
  }
  return toCel(v);
}

export function defineKey(target: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Plain JSON value -> CEL value (integral numbers become int). */
export function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && Number.isSafeInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === 'object' && !(v instanceof Map) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) defineKey(out, k, toCel(x));
    return out;
  }
  return v;
}

/** CEL value -> plain JSON value. */
export function fromCel(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromCel);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) defineKey(out, String(k), fromCel(x));
    return out;
  }
  if (v && typeof v === 'object') {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function' && !(Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      return String(v);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) defineKey(out, k, fromCel(x));
    return out;
  }
  return v;
}

/** How a CEL value reads when interpolated into text or sent as a property. */
export function celToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(fromCel(v));
}

/** Checks the syntax of every `{{ }}` in a string without evaluating it. */
export function checkTemplateSyntax(s: string): void {
  compileTemplate(s);
}

export function celTypeName(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  return 'map';
}
