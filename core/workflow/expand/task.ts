// A task role: its class is looked up (in the workflow's own repo first), the class defaults
// join the scope under the vars in force, and the TaskSpec is built (task.ts) and filed with
// the enabled or the disabled tasks.
import type { TaskSpec } from '../types.js';
import type { Scope } from '../expr.js';
import { RESERVED } from '../specs.js';
import { evalAt, evalBool, evalString, fail, sub, type At } from '../evaluate.js';
import { buildTask } from '../task.js';
import { childScope } from '../scope.js';
import { applyPendingToDefaults } from './user-vars.js';
import type { Expansion, Frame, Raw } from './state.js';
import type { ItemSpecReuse } from './item-reuse.js';

/** `f` is the task role's own frame (its path, scope, pending user vars, enabled, constraints).
 *  `reuse`: an item of a `for` whose spec may be copied from an earlier item's (item-reuse.ts). */
export function expandTask(x: Expansion, r: Raw, at: At, f: Frame, inIterator: boolean, reuse?: ItemSpecReuse): TaskSpec {
  const spec =
    reuse?.copyFor(f.path, f.constraints) ??
    (reuse ? reuse.build(f.scope, f.constraints, (scope) => buildSpec(x, r, at, { ...f, scope }, inIterator)) : buildSpec(x, r, at, f, inIterator));
  (f.enabled ? x.tasks : x.disabledTasks).push(spec);
  return spec;
}

function buildSpec(x: Expansion, r: Raw, at: At, f: Frame, inIterator: boolean): TaskSpec {
  const { path: p, scope } = f;
  const ref = r.task as Raw;
  const cAt = sub(sub(at, 'task'), 'class');
  const className = evalString(cAt, ref.class, scope, 'class');
  const cls = x.input.files.taskClass(className, f.loaded.view);
  if (!cls) {
    const known = x.input.files.knownClasses(f.loaded.view);
    fail(cAt, `role ${p}: unknown task class "${className}"${known.length ? ` (known: ${known.join(', ')})` : ''}`, 'class');
  }
  const c = cls.src.value as Raw;
  let cscope = scope;
  const defaults = c.defaults as Raw | undefined;
  if (defaults && Object.keys(defaults).length) {
    // class defaults live in the class file: messages name it and the role using it
    const dAt: At = { src: cls.src, ptr: '/defaults', context: `role ${p} (class ${className})` };
    const d: Scope = {};
    let dscope: Scope | undefined;
    for (const [k, v] of Object.entries(defaults)) {
      if (RESERVED.has(k)) fail(sub(dAt, k), `var name "${k}" is reserved`, 'var');
      if (k in scope) continue; // vars in force win over class defaults
      dscope ??= childScope(scope);
      const val = evalAt(sub(dAt, k), v, dscope);
      d[k] = val;
      dscope[k] = val;
    }
    if (dscope) cscope = dscope;
    applyPendingToDefaults(x, f.pending, d, cscope, className);
  }
  // an item of an iterator takes task.critical only: the role's critical is the iterator node's
  const critical = evalBool(
    sub(sub(at, 'task'), 'critical'),
    ref.critical,
    cscope,
    inIterator ? true : evalBool(sub(at, 'critical'), r.critical, cscope, true, 'critical'),
    'critical',
  );
  return buildTask({ path: p, roleAt: at, role: r, cls, className, scope: cscope, critical, constraints: f.constraints });
}
