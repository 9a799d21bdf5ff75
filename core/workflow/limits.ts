// What one template may expand to. Each limit is far above real workflows (a farm of a million
// simulated tasks still fits) and below what would eat the controller's memory; going over one
// is BAD_INPUT naming the limit and the template's file:line:col. The limits of the requests
// themselves (template text, vars) are the controller's: core/controller/server/limits.ts.
import { BatonError } from '../model/errors.js';
import { whereOf } from './source.js';
import type { At } from './evaluate.js';

/** Nesting of roles (role path segments): a deep tree is a mistake or an attack, never a design. */
export const MAX_ROLE_DEPTH = 32;
/** Characters of a workflow's name, which names its environments. */
export const MAX_ENV_NAME = 256;
/** Characters of a role path: matching a channel glob costs path length x glob length. */
export const MAX_ROLE_PATH = 1024;
/** Characters of a channel target's role pattern (real ones are a few dozen). */
export const MAX_TARGET_PATTERN = 256;
/** Items of one `for` (sim-farm's `tasks` var goes up to a million). */
export const MAX_FOR_ITEMS = 1_000_000;

export function limitError(at: At, message: string, limit: string, max: number, got: number): BatonError {
  return new BatonError('BAD_INPUT', `${message} (limit ${limit}: at most ${max}, got ${got})`, {
    where: whereOf(at.src, at.ptr),
    data: { limit, max: String(max), got: String(got), reason: 'limit' },
  });
}
