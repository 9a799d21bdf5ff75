// The walk over the role tree: each role is checked for its kind, repeated per item when it is
// an iterator, given its vars, name, path and aimed user vars, and turned into a RoleNode (and a
// task, a hook or a subtree). In lint mode a role's problem is recorded and its siblings go on.
import type { RoleNode } from '../types.js';
import { toCel, type Scope } from '../expr.js';
import { coerceValue, type UserVar } from '../vars.js';
import { RESERVED } from '../specs.js';
import { evalAt, evalBool, evalInt, evalString, evalStringMap, fail, sub, type At } from '../evaluate.js';
import { buildHook } from '../hooks.js';
import { checkHook } from '../hook-funcs.js';
import { OPEN_RESOLVED } from '../policy.js';
import { childScope } from '../scope.js';
import { iteratorItems } from './iterator.js';
import { expandTask } from './task.js';
import { enterInclude } from './include.js';
import { applyAimedVars } from './user-vars.js';
import { ItemSpecReuse } from './item-reuse.js';
import type { Expansion, Frame, Raw } from './state.js';

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@+=-]*$/;
const KINDS = ['task', 'roles', 'include', 'call'] as const;
type Kind = (typeof KINDS)[number];

/** Expands the roles in `list` (at `at`) into `out`. */
export function expandRoles(x: Expansion, list: unknown, at: At, f: Frame, out: RoleNode[]): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    try {
      expandRole(x, list[i] as Raw, sub(at, i), f, out);
    } catch (e) {
      x.report(e);
    }
  }
}

function expandRole(x: Expansion, r: Raw, at: At, f: Frame, out: RoleNode[]): void {
  const kinds = KINDS.filter((k) => r[k] !== undefined);
  if (kinds.length !== 1) {
    const nm = typeof r.name === 'string' ? `role ${r.name}` : 'a role';
    fail(
      at,
      kinds.length === 0
        ? `${nm} needs one of task, roles, include or call`
        : `${nm} has ${kinds.join(' and ')}: a role has exactly one of task, roles, include or call`,
      'role',
    );
  }
  const kind = kinds[0];
  if ((r.bind !== undefined || r.connect !== undefined) && kind !== 'task') {
    fail(sub(at, r.bind !== undefined ? 'bind' : 'connect'), `role ${String(r.name)}: bind and connect belong on task roles`, 'role');
  }
  if (r.restart !== undefined && kind !== 'task') {
    fail(sub(at, 'restart'), `role ${String(r.name)}: restart belongs on task roles (a task is what is relaunched)`, 'role');
  }
  if (r.for === undefined) {
    if (r.nmin !== undefined) fail(sub(at, 'nmin'), `role ${String(r.name)}: nmin is only for iterators (roles with for)`, 'role');
    expandInstance(x, r, kind, at, f, f.scope, out, false);
    return;
  }
  expandIterator(x, r, kind, at, f, out);
}

/**
 * An iterator role becomes an `iterator` node named by the raw template (e.g. `readout-{{ it }}`)
 * whose children are the items, each expanded like a plain role with the iterator var bound.
 */
function expandIterator(x: Expansion, r: Raw, kind: Kind, at: At, f: Frame, out: RoleNode[]): void {
  const { varName, items } = iteratorItems(r.for as Raw, sub(at, 'for'), f.scope);
  const rawName = String(r.name);
  const node: RoleNode = {
    path: joinPath(f.path, rawName),
    name: rawName,
    kind: 'iterator',
    enabled: f.enabled,
    critical: evalBool(sub(at, 'critical'), r.critical, f.scope, true, 'critical'),
    children: [],
  };
  if (r.nmin !== undefined) {
    node.nmin = evalInt(sub(at, 'nmin'), r.nmin, f.scope, 0, 'nmin', 0);
    if (node.nmin > items.length) fail(sub(at, 'nmin'), `nmin ${node.nmin} is more than the ${items.length} items of the iterator`, 'role');
  }
  x.claimPath(node.path, at);
  const diags = x.input.diagnostics;
  // role vars are evaluated per item before its task: those items are built one by one
  const reuse = kind === 'task' && r.vars === undefined ? new ItemSpecReuse(varName) : undefined;
  for (const item of items) {
    const scope = childScope(f.scope);
    scope[varName] = toCel(item); // varName is a checked identifier (never __proto__)
    const before = diags?.length;
    expandInstance(x, r, kind, at, f, scope, node.children, true, reuse);
    if (diags && diags.length !== before) break; // lint: one item tells the problem, not a million
  }
  // an iterator whose items are all disabled (enabled: on the for role) is disabled itself
  if (node.children.length && node.children.every((c) => !c.enabled)) node.enabled = false;
  out.push(node);
}

/** One role (or one item of an iterator, `inIterator`) in `scope0`: the parent's scope or the item's.
 *  `reuse`: the item's task spec may be copied from an earlier item's (item-reuse.ts). */
function expandInstance(x: Expansion, r: Raw, kind: Kind, at: At, f: Frame, scope0: Scope, out: RoleNode[], inIterator: boolean, reuse?: ItemSpecReuse): void {
  let scope = scope0;
  if (r.vars && typeof r.vars === 'object') {
    scope = childScope(scope);
    for (const [k, v] of Object.entries(r.vars as Raw)) {
      const vAt = sub(sub(at, 'vars'), k);
      if (RESERVED.has(k)) fail(vAt, `var name "${k}" is reserved`, 'var');
      let value = evalAt(vAt, v, scope);
      const spec = f.specs.get(k);
      if (spec) {
        const c = coerceValue(spec, value);
        if (!c.ok) fail(vAt, `role var ${k}: ${c.why} (type ${spec.type})`, 'var');
        value = c.value;
      }
      Object.defineProperty(scope, k, { value, enumerable: true, writable: true, configurable: true });
    }
    // user vars win over role vars
    if (f.userOv) Object.assign(scope, f.userOv);
  }
  const name = evalString(sub(at, 'name'), r.name, scope, 'name');
  if (!NAME_RE.test(name)) {
    fail(sub(at, 'name'), `role name "${name}" may hold only letters, digits, _ . - @ + = (no / : * or spaces)`, 'role');
  }
  const p = joinPath(f.path, name);
  x.claimPath(p, at);

  let userOv = f.userOv;
  let pending = f.pending;
  let forInclude: UserVar[] = [];
  const aimed = x.targeted.get(p);
  if (aimed) {
    if (scope === scope0) scope = childScope(scope); // set them in this role's scope, not the parent's
    ({ userOv, pending, forInclude } = applyAimedVars(x, aimed, f, scope, kind === 'include'));
  }

  const enabled = f.enabled && evalBool(sub(at, 'enabled'), r.enabled, scope, true, 'enabled');
  let constraints = f.constraints;
  if (r.constraints) constraints = evalStringMap(sub(at, 'constraints'), r.constraints, scope, { ...f.constraints });

  const child = (): Frame => ({
    loaded: f.loaded,
    path: p,
    scope,
    specs: f.specs,
    userOv,
    pending,
    enabled,
    constraints,
    includeStack: f.includeStack,
  });

  switch (kind) {
    case 'task': {
      // user vars aimed at this item's path change its scope: built on its own
      const spec = expandTask(x, r, at, child(), inIterator, aimed ? undefined : reuse);
      out.push({ path: p, name, kind: 'task', enabled, critical: spec.critical, task: spec.name, children: [] });
      return;
    }
    case 'roles': {
      const node: RoleNode = {
        path: p,
        name,
        kind: 'aggregator',
        enabled,
        critical: evalBool(sub(at, 'critical'), inIterator ? undefined : r.critical, scope, true, 'critical'),
        children: [],
      };
      expandRoles(x, r.roles, sub(at, 'roles'), child(), node.children);
      out.push(node);
      return;
    }
    case 'include': {
      const node: RoleNode = {
        path: p,
        name,
        kind: 'include',
        enabled,
        critical: evalBool(sub(at, 'critical'), inIterator ? undefined : r.critical, scope, true, 'critical'),
        children: [],
      };
      const inc = enterInclude(x, r, at, child(), forInclude);
      expandRoles(x, inc.roles, inc.rolesAt, inc.frame, node.children);
      out.push(node);
      return;
    }
    case 'call': {
      const hook = buildHook(p, r.call as Raw, sub(at, 'call'), scope, inIterator ? undefined : r.critical, at);
      checkHook(hook, sub(at, 'call'), (r.call as Raw).args, {
        policy: x.input.policy ?? OPEN_RESOLVED,
        configured: x.input.configured ?? [],
        repoDir: f.loaded.view.dir,
        enabled,
      });
      if (enabled) x.hooks.push(hook);
      out.push({ path: p, name, kind: 'call', enabled, critical: hook.critical, children: [] });
      return;
    }
  }
}

function joinPath(parent: string, name: string): string {
  return parent ? `${parent}/${name}` : name;
}
