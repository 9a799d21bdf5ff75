// An include role: the included workflow is found (by name, or by a path relative to the
// including file), guarded against cycles and runaway nesting, and its vars are resolved. It
// sees only its own vars: its defaults < include.vars (evaluated in the including scope) < user
// vars aimed at the include role.
import path from 'node:path';
import { insideAny } from '../policy.js';
import { BatonError } from '../../model/errors.js';
import type { Scope } from '../expr.js';
import type { UserVar } from '../vars.js';
import { readVarSpecs, resolveVars, type GivenValue } from '../specs.js';
import { evalAt, evalString, fail, sub, type At } from '../evaluate.js';
import type { Loaded } from '../templates.js';
import { builtinsFor } from '../scope.js';
import type { Expansion, Frame, Raw } from './state.js';

const MAX_INCLUDE_DEPTH = 16;

/** The roles of an included workflow and the frame to expand them in. */
export interface Included {
  roles: unknown;
  rolesAt: At;
  frame: Frame;
}

/**
 * `f` is the include role's own frame; `aimed` the user vars aimed at the include role that no
 * var of the including workflow took.
 */
export function enterInclude(x: Expansion, r: Raw, at: At, f: Frame, aimed: UserVar[]): Included {
  const inc = r.include as Raw;
  const iAt = sub(at, 'include');
  const wAt = sub(iAt, 'workflow');
  const target = evalString(wAt, inc.workflow, f.scope, 'include workflow');
  const files = x.input.files;
  let loaded: Loaded | undefined;
  const isPath = target.includes('/') || /\.ya?ml$/.test(target);
  try {
    loaded = isPath ? files.workflowByPath(target, path.dirname(f.loaded.realFile), f.loaded.view) : files.workflowByName(target, f.loaded.view);
  } catch (e) {
    if (e instanceof BatonError && e.code === 'NOT_FOUND') loaded = undefined;
    else throw e;
  }
  if (!loaded) fail(wAt, `role ${f.path}: included workflow "${target}" not found`, 'include');
  const policy = x.input.policy;
  if (policy && !policy.allowLocal && !insideAny(loaded.view.dir, x.input.configured ?? [])) {
    fail(
      wAt,
      `role ${f.path}: included workflow ${loaded.realFile} is not in a configured template repo (this controller takes workflows only from its repos)`,
      'include',
    );
  }
  if (f.includeStack.includes(loaded.realFile)) {
    const chain = [...f.includeStack, loaded.realFile].map((file) => path.basename(file)).join(' -> ');
    fail(wAt, `role ${f.path}: include cycle: ${chain}`, 'include');
  }
  if (f.includeStack.length > MAX_INCLUDE_DEPTH) fail(wAt, `role ${f.path}: includes nest deeper than ${MAX_INCLUDE_DEPTH}`, 'include');

  const entries = readVarSpecs(loaded.src);
  const specs = new Map(entries.map((e) => [e.spec.name, e.spec]));
  const given = new Map<string, GivenValue>();
  if (inc.vars && typeof inc.vars === 'object') {
    for (const [k, v] of Object.entries(inc.vars as Raw)) {
      const vAt = sub(sub(iAt, 'vars'), k);
      if (!specs.has(k)) fail(vAt, `role ${f.path}: the included workflow ${target} has no var "${k}"`, 'include');
      given.set(k, { raw: evalAt(vAt, v, f.scope), key: k, user: false, at: vAt });
    }
  }
  const userOv: Scope = {};
  // aimed user vars the included workflow does not have may still be class defaults below
  const pendingHere: UserVar[] = [];
  for (const uv of aimed) {
    if (specs.has(uv.name)) {
      given.set(uv.name, { raw: uv.raw, key: uv.key, user: true });
      x.used.add(uv);
    } else pendingHere.push(uv);
  }
  const scope = resolveVars(entries, given, builtinsFor(loaded.view, x.input.batonRoot, x.input.nodePath), {
    lenient: !!x.input.diagnostics,
    missingAt: iAt,
  });
  for (const uv of aimed) if (x.used.has(uv)) userOv[uv.name] = scope[uv.name];
  const frame: Frame = {
    loaded,
    path: f.path,
    scope,
    specs,
    userOv: Object.keys(userOv).length ? userOv : null,
    pending: [...f.pending, ...pendingHere],
    enabled: f.enabled,
    constraints: f.constraints,
    includeStack: [...f.includeStack, loaded.realFile],
  };
  return { roles: (loaded.src.value as Raw).roles, rolesAt: { src: loaded.src, ptr: '/roles' }, frame };
}
