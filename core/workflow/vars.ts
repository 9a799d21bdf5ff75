// Typed workflow variables: specs from `vars:` and the parsing of values given by users
// (always strings from `--var k=v`) or by templates (CEL values).
import { BatonError } from '../model/errors.js';
import type { VarSpec, VarType } from './types.js';
import { toCel, celTypeName, fromCel } from './expr.js';

export const VAR_TYPES: VarType[] = ['int', 'float', 'bool', 'string', 'enum', 'list'];

/** Why a value does not fit a spec (null: it fits). `value` is the CEL form when it fits. */
export type Coerced = { ok: true; value: unknown } | { ok: false; why: string };

/** Infers a spec type from a value (used when `type` is omitted and for untyped role vars). */
export function inferType(v: unknown): VarType {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return 'string';
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Parses a user's value (a string, or a JSON value from an API) against a spec. */
export function coerceValue(spec: Pick<VarSpec, 'type' | 'values' | 'min' | 'max'>, raw: unknown): Coerced {
  const r = coerceType(spec.type, raw, spec.values);
  if (!r.ok) return r;
  if ((spec.type === 'int' || spec.type === 'float') && typeof r.value !== 'string') {
    const n = Number(r.value);
    if (spec.min !== undefined && n < spec.min) return { ok: false, why: `${n} is below the minimum ${spec.min}` };
    if (spec.max !== undefined && n > spec.max) return { ok: false, why: `${n} is above the maximum ${spec.max}` };
  }
  return r;
}

function coerceType(type: VarType, raw: unknown, values?: string[]): Coerced {
  switch (type) {
    case 'int': {
      if (typeof raw === 'bigint') return { ok: true, value: raw };
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return { ok: true, value: BigInt(raw) };
      if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) {
        const b = BigInt(raw.trim());
        if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, why: `${raw.trim()} is out of range` };
        return { ok: true, value: b };
      }
      return { ok: false, why: `expected an integer, got ${show(raw)}` };
    }
    case 'float': {
      if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: raw };
      if (typeof raw === 'bigint') return { ok: true, value: Number(raw) };
      if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return { ok: true, value: Number(raw) };
      return { ok: false, why: `expected a number, got ${show(raw)}` };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (typeof raw === 'string') {
        const s = raw.trim().toLowerCase();
        if (TRUE.has(s)) return { ok: true, value: true };
        if (FALSE.has(s)) return { ok: true, value: false };
      }
      return { ok: false, why: `expected true or false, got ${show(raw)}` };
    }
    case 'string': {
      if (typeof raw === 'string') return { ok: true, value: raw };
      if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return { ok: true, value: String(raw) };
      return { ok: false, why: `expected a string, got ${show(raw)}` };
    }
    case 'enum': {
      const s = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean' ? String(raw) : undefined;
      if (s !== undefined && (values ?? []).includes(s)) return { ok: true, value: s };
      return { ok: false, why: `expected one of ${(values ?? []).join(', ')}, got ${show(raw)}` };
    }
    case 'list': {
      if (Array.isArray(raw)) return { ok: true, value: toCel(raw) };
      if (typeof raw === 'string') {
        const s = raw.trim();
        if (s.startsWith('[')) {
          try {
            const j = JSON.parse(s);
            if (Array.isArray(j)) return { ok: true, value: toCel(j) };
          } catch {
            /* fall through */
          }
          return { ok: false, why: `expected a JSON list or comma-separated values, got ${show(raw)}` };
        }
        if (s === '') return { ok: true, value: [] };
        return { ok: true, value: s.split(',').map((x) => x.trim()) };
      }
      return { ok: false, why: `expected a list, got ${show(raw)}` };
    }
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return String(v);
  try {
    return `${celTypeName(v)} ${JSON.stringify(fromCel(v))}`;
  } catch {
    return String(v);
  }
}

/** A user var as given on the command line: `name` or `role/path.name`. */
export interface UserVar {
  key: string; // as given
  path: string | null; // role path, null for a workflow var
  name: string;
  raw: unknown;
}

/** Splits `--var` keys: `rate` is a workflow var; `builder.rate` and `group/sub.rate` target a role path. */
export function splitUserVars(vars: Record<string, unknown>): UserVar[] {
  const out: UserVar[] = [];
  for (const [key, raw] of Object.entries(vars ?? {})) {
    const dot = key.lastIndexOf('.');
    if (dot < 0) out.push({ key, path: null, name: key, raw });
    else out.push({ key, path: key.slice(0, dot).replace(/^\/+|\/+$/g, ''), name: key.slice(dot + 1), raw });
    const last = out[out.length - 1];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(last.name) || ['__proto__', 'constructor', 'prototype'].includes(last.name)) {
      throw new BatonError('BAD_INPUT', `var ${key}: "${last.name}" is not a var name`, { where: `var ${key}` });
    }
  }
  return out;
}

export function badVar(key: string, message: string): BatonError {
  return new BatonError('BAD_INPUT', `var ${key}: ${message}`, { where: `var ${key}`, data: { var: key } });
}
