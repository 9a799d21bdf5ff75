// A request as the audit trail keeps it: JSON, with what could be large cut (long strings, big
// maps and lists are summarised with their size) and what could be secret hidden, so that an
// audit row stays a few hundred bytes whatever was sent, and never holds a password or token.

const MAX_STRING = 200;
const MAX_ENTRIES = 20;
const MAX_DEPTH = 4;
const SECRET_KEY = /token|password|secret|credential/i;

export function trimArgs(request: unknown): string {
  return JSON.stringify(trimValue(request, 0) ?? {});
}

function trimValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}… (${Buffer.byteLength(v)} bytes)` : v;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return `(${v.byteLength} bytes)`;
  if (depth >= MAX_DEPTH) return Array.isArray(v) ? `(list of ${v.length})` : '(map)';
  if (Array.isArray(v)) {
    const out = v.slice(0, MAX_ENTRIES).map((x) => trimValue(x, depth + 1));
    if (v.length > MAX_ENTRIES) out.push(`… ${v.length - MAX_ENTRIES} more`);
    return out;
  }
  const out: Record<string, unknown> = {};
  const entries = Object.entries(v as Record<string, unknown>);
  for (const [k, x] of entries.slice(0, MAX_ENTRIES)) {
    // defaults add nothing to the record (a proto3 request has every field)
    if (x === '' || x === false || x === 0 || x === undefined) continue;
    if (typeof x === 'object' && x !== null && !Array.isArray(x) && Object.keys(x).length === 0) continue;
    if (Array.isArray(x) && x.length === 0) continue;
    out[k] = SECRET_KEY.test(k) ? '***' : trimValue(x, depth + 1);
  }
  if (entries.length > MAX_ENTRIES) out['…'] = `${entries.length - MAX_ENTRIES} more`;
  return out;
}
