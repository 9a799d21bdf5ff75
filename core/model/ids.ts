import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijkmnpqrstuvwxyz';

/** A short random id, e.g. env-7k2m9q4x. Sortable prefixes are not needed: ids are opaque. */
export function newId(prefix: string, len = 8): string {
  const bytes = randomBytes(len);
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[bytes[i]! % ALPHABET.length];
  return `${prefix}-${s}`;
}

/** A task id is stable and readable: <envId>/<role path>. */
export function taskId(envId: string, rolePath: string): string {
  return `${envId}/${rolePath}`;
}
