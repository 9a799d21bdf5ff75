// How user vars (`--var k=v`) reach the var they set. A plain `rate` sets a workflow var. An
// aimed `path.rate` is applied where the walk reaches that role path: to a workflow var or a role
// var in force there, else to a var of the workflow it includes, else (pending) to a default of
// the task class of a task at or under it. Every user var must land somewhere: a typo must not
// pass silently as a var nobody reads.
import type { Scope } from '../expr.js';
import { coerceValue, inferType, badVar, type UserVar } from '../vars.js';
import type { GivenValue, SpecEntry } from '../specs.js';
import type { Expansion, Frame } from './state.js';

/**
 * Sorts the user vars: the workflow vars' values are returned (an unknown one is an error), the
 * aimed ones are filed under their path in `x.targeted` for the walk to find.
 */
export function routeUserVars(x: Expansion, userVars: UserVar[], entries: SpecEntry[]): Map<string, GivenValue> {
  const names = new Set(entries.map((e) => e.spec.name));
  const given = new Map<string, GivenValue>();
  for (const uv of userVars) {
    if (uv.path === null) {
      if (!names.has(uv.name)) {
        const known = entries.map((e) => e.spec.name);
        throw badVar(uv.key, `unknown var${known.length ? ` (this workflow has: ${known.join(', ')})` : ' (this workflow has none)'}`);
      }
      given.set(uv.name, { raw: uv.raw, key: uv.key, user: true });
    } else {
      const l = x.targeted.get(uv.path) ?? [];
      l.push(uv);
      x.targeted.set(uv.path, l);
    }
  }
  return given;
}

export interface AimedResult {
  /** the overrides in force from this role down (a copy of the frame's, plus the ones applied here) */
  userOv: Scope;
  /** the frame's pending vars plus the ones this role could not place (for class defaults below) */
  pending: UserVar[];
  /** on an include role: the ones left for the included workflow's vars */
  forInclude: UserVar[];
}

/**
 * Applies the user vars aimed at one role to its scope (which must be the role's own, not its
 * parent's). Each is typed like the var it overrides: the workflow var's spec, else the type of
 * the role var in force (the built-ins baton and repo cannot be set).
 */
export function applyAimedVars(x: Expansion, aimed: UserVar[], f: Frame, scope: Scope, isInclude: boolean): AimedResult {
  const userOv: Scope = { ...(f.userOv ?? {}) };
  let pending = f.pending;
  const forInclude: UserVar[] = [];
  for (const uv of aimed) {
    const spec = f.specs.get(uv.name);
    const like = spec ?? (uv.name in scope && uv.name !== 'baton' && uv.name !== 'repo' ? { type: inferType(scope[uv.name]) } : undefined);
    if (!like) {
      if (isInclude) forInclude.push(uv);
      else pending = [...pending, uv]; // a new list: the frame's is shared with the siblings
      continue;
    }
    const c = coerceValue(like, uv.raw);
    if (!c.ok) throw badVar(uv.key, `${c.why} (type ${like.type})`);
    scope[uv.name] = c.value;
    userOv[uv.name] = c.value;
    x.used.add(uv);
  }
  return { userOv, pending, forInclude };
}

/**
 * Applies pending user vars that name a default of a task's class (`defaults`: the defaults
 * the class contributed, i.e. those not already set by vars in force) to the task's `scope`,
 * typed like the default. Applied at every task that has it (each item of an iterator, say).
 */
export function applyPendingToDefaults(x: Expansion, pending: UserVar[], defaults: Scope, scope: Scope, className: string): void {
  for (const uv of pending) {
    if (!(uv.name in defaults)) continue;
    const like = { type: inferType(defaults[uv.name]) };
    const cv = coerceValue(like, uv.raw);
    if (!cv.ok) throw badVar(uv.key, `${cv.why} (type ${like.type}, from class ${className})`);
    scope[uv.name] = cv.value;
    x.used.add(uv);
  }
}

/** After the walk: an aimed user var that set nothing is an error naming why. */
export function checkUserVarsUsed(x: Expansion, userVars: UserVar[]): void {
  for (const uv of userVars) {
    if (uv.path === null || x.used.has(uv)) continue;
    if (!x.paths.has(uv.path)) {
      throw badVar(uv.key, `no role has the path "${uv.path}"`);
    }
    throw badVar(uv.key, `role ${uv.path} has no var "${uv.name}" (neither a workflow var, a role var nor a task class default)`);
  }
}
