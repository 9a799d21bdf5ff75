// Var specs of a workflow (`vars:`) and the values in force: defaults (in order, each may use
// the vars before it) overridden by given values, all checked against their types.
import { BatonError } from '../model/errors.js';
import type { VarSpec, VarType } from './types.js';
import { fromCel, toCel, type Scope } from './expr.js';
import { VAR_TYPES, coerceValue, inferType, badVar } from './vars.js';
import { evalAt, fail, sub, type At } from './evaluate.js';
import type { SourceFile } from './source.js';

export interface SpecEntry {
  spec: VarSpec;
  /** where the spec is written */
  at: At;
  /** the raw default as written (may be a template) */
  rawDefault: unknown;
  defaultAt: At;
}

/** Names a var may not take: the builtins of the scope and CEL's reserved words. */
export const RESERVED = new Set([
  'baton',
  'repo',
  '__proto__',
  'constructor',
  'prototype',
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

export function readVarSpecs(src: SourceFile): SpecEntry[] {
  const vars = (src.value as { vars?: Record<string, unknown> } | null)?.vars;
  if (!vars || typeof vars !== 'object') return [];
  const base: At = { src, ptr: '/vars' };
  const out: SpecEntry[] = [];
  for (const [name, raw] of Object.entries(vars)) {
    const at = sub(base, name);
    if (RESERVED.has(name)) fail(at, `var name "${name}" is reserved`, 'var');
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      out.push({ spec: { name, type: inferType(toCel(raw)), default: raw }, at, rawDefault: raw, defaultAt: at });
      continue;
    }
    const r = raw as Record<string, unknown>;
    const type = (r.type as VarType | undefined) ?? (r.values ? 'enum' : r.default !== undefined ? inferType(toCel(r.default)) : 'string');
    if (!VAR_TYPES.includes(type)) fail(sub(at, 'type'), `var ${name}: unknown type "${String(type)}"`, 'var');
    const spec: VarSpec = { name, type };
    for (const k of ['default', 'label', 'description', 'public', 'widget', 'values', 'min', 'max'] as const) {
      if (r[k] !== undefined) (spec as unknown as Record<string, unknown>)[k] = r[k];
    }
    if (type === 'enum' && !(Array.isArray(spec.values) && spec.values.length)) fail(at, `var ${name}: an enum needs values`, 'var');
    if (type !== 'enum' && spec.values !== undefined) fail(sub(at, 'values'), `var ${name}: values is only for type enum`, 'var');
    if ((spec.min !== undefined || spec.max !== undefined) && type !== 'int' && type !== 'float') {
      fail(sub(at, spec.min !== undefined ? 'min' : 'max'), `var ${name}: min and max are only for int and float`, 'var');
    }
    if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max)
      fail(sub(at, 'min'), `var ${name}: min ${spec.min} is above max ${spec.max}`, 'var');
    out.push({ spec, at, rawDefault: r.default, defaultAt: sub(at, 'default') });
  }
  return out;
}

/** A value given for a var: by a user (BAD_INPUT on error) or by a template (BAD_TEMPLATE at `at`). */
export interface GivenValue {
  raw: unknown;
  key: string; // how the user wrote it (for messages)
  user: boolean;
  at?: At;
  /** already a CEL value of the right type (template values) */
}

export interface ResolveOptions {
  /** lint and listing: a var with no default gets a zero value instead of an error */
  lenient?: boolean;
  /** when a required var is missing and the values come from a template (include) */
  missingAt?: At;
}

const ZERO: Record<VarType, (s: VarSpec) => unknown> = {
  int: () => 0n,
  float: () => 0,
  bool: () => false,
  string: () => '',
  enum: (s) => s.values?.[0] ?? '',
  list: () => [],
};

/** The values of every spec, in order, into `scope` (which holds the builtins). Returns `scope`. */
export function resolveVars(entries: SpecEntry[], given: Map<string, GivenValue>, scope: Scope, opts: ResolveOptions = {}): Scope {
  for (const { spec, at, rawDefault, defaultAt: dat } of entries) {
    const g = given.get(spec.name);
    let value: unknown;
    if (g) {
      const c = coerceValue(spec, g.raw);
      if (!c.ok) {
        if (g.user) throw badVar(g.key, `${c.why} (type ${spec.type})`);
        fail(g.at ?? at, `var ${spec.name}: ${c.why} (type ${spec.type})`, 'var');
      }
      value = c.value;
    } else if (rawDefault !== undefined && rawDefault !== null) {
      const v = evalAt(dat, rawDefault, scope);
      const c = coerceValue(spec, v);
      if (!c.ok) fail(dat, `var ${spec.name}: default ${c.why} (type ${spec.type})`, 'var');
      value = c.value;
    } else if (opts.lenient) {
      value = ZERO[spec.type](spec);
    } else if (opts.missingAt) {
      fail(opts.missingAt, `var ${spec.name} of the included workflow has no default and is not given`, 'var');
    } else {
      throw new BatonError('BAD_INPUT', `var ${spec.name} is required (it has no default)`, { where: `var ${spec.name}`, data: { var: spec.name } });
    }
    Object.defineProperty(scope, spec.name, { value, enumerable: true, writable: true, configurable: true });
  }
  return scope;
}

/** Specs as shown to users: templated defaults replaced by their value when they evaluate alone. */
export function publicSpecs(entries: SpecEntry[], builtins: Scope): VarSpec[] {
  let defaults: Scope | undefined;
  try {
    defaults = resolveVars(entries, new Map(), { ...builtins }, { lenient: true });
  } catch {
    defaults = undefined;
  }
  return entries.map(({ spec, rawDefault }) => {
    const s: VarSpec = { ...spec };
    if (typeof rawDefault === 'string' && rawDefault.includes('{{') && defaults && spec.name in defaults) s.default = fromCel(defaults[spec.name]);
    else if (rawDefault !== undefined) s.default = fromCel(toCel(rawDefault));
    if (s.type === 'float' && typeof s.default === 'number') s.default = Number(s.default);
    return s;
  });
}
