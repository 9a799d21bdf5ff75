// The create form's model: fields generated from a workflow's VarSpecs, validated before create
// with the same rules the controller applies (type, enum choices, min/max), so a mistake is named
// at the field instead of coming back from the server.
import type { VarSpec } from '../../../../core/rpc/gen/control.js';

export type FieldValue = string | boolean;

export type Widget = 'checkbox' | 'select' | 'number' | 'text' | 'list';

export function widgetFor(spec: VarSpec): Widget {
  if (spec.type === 'bool') return 'checkbox';
  if (spec.type === 'enum' || spec.widget === 'select') return spec.values.length ? 'select' : 'text';
  if (spec.type === 'int' || spec.type === 'float') return 'number';
  if (spec.type === 'list') return 'list';
  return 'text';
}

function parseDefault(spec: VarSpec): unknown {
  if (!spec.defaultJson) return undefined;
  try {
    return JSON.parse(spec.defaultJson);
  } catch {
    return spec.defaultJson;
  }
}

/** The value a field starts with: the var's default. Lists are edited one item per line. */
export function initialValue(spec: VarSpec): FieldValue {
  const d = parseDefault(spec);
  if (spec.type === 'bool') return d === true || d === 'true';
  if (d === undefined || d === null) return '';
  if (spec.type === 'list') return Array.isArray(d) ? d.map(String).join('\n') : String(d);
  return String(d);
}

/** Splits a list field: one item per line, or a JSON array. */
export function listItems(text: string): string[] | null {
  const t = text.trim();
  if (t === '') return [];
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      return Array.isArray(v) ? v.map(String) : null;
    } catch {
      return null;
    }
  }
  return t
    .split(/\r?\n|,/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const INT = /^[+-]?\d+$/;

/** null when valid, else a message that names the var and what is expected. */
export function validateField(spec: VarSpec, value: FieldValue): string | null {
  const name = spec.label || spec.name;
  if (spec.type === 'bool') return typeof value === 'boolean' ? null : `${name}: expected true or false`;
  const v = String(value).trim();
  switch (spec.type) {
    case 'int':
    case 'float': {
      if (v === '') return `${name}: a number is required`;
      if (spec.type === 'int' && !INT.test(v)) return `${name}: expected a whole number, got "${v}"`;
      const n = Number(v);
      if (!Number.isFinite(n)) return `${name}: expected a number, got "${v}"`;
      if (spec.min !== undefined && n < spec.min) return `${name}: must be at least ${spec.min}`;
      if (spec.max !== undefined && n > spec.max) return `${name}: must be at most ${spec.max}`;
      return null;
    }
    case 'enum':
      return spec.values.includes(v) ? null : `${name}: choose one of ${spec.values.join(', ')}`;
    case 'list':
      return listItems(v) === null ? `${name}: expected one item per line or a JSON array` : null;
    default:
      return null;
  }
}

/** The string sent for a var (CreateEnvironmentRequest.vars, parsed by the var's type). */
export function varString(spec: VarSpec, value: FieldValue): string {
  if (spec.type === 'bool') return value ? 'true' : 'false';
  if (spec.type === 'list') return JSON.stringify(listItems(String(value)) ?? []);
  return String(value).trim();
}

export interface FormResult {
  vars: Record<string, string>;
  errors: Record<string, string>;
}

/** Validates every field; vars holds only the values that differ from their defaults. */
export function buildVars(specs: readonly VarSpec[], values: Record<string, FieldValue>): FormResult {
  const vars: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const spec of specs) {
    const value = values[spec.name] ?? initialValue(spec);
    const err = validateField(spec, value);
    if (err) {
      errors[spec.name] = err;
      continue;
    }
    const s = varString(spec, value);
    if (s !== varString(spec, initialValue(spec))) vars[spec.name] = s;
  }
  return { vars, errors };
}
