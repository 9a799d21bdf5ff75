// Which roles may be taken out of (or put back into) a live environment. Out: a non-critical
// role, or an item of an iterator that keeps at least its nmin items; never a critical role
// otherwise. In: a role excluded at run time whose parent is included. Each refusal is a
// BAD_INPUT (or TRANSITION_NOT_ALLOWED for the environment's state) naming the rule.
import { BatonError } from '../../model/errors.js';
import type { EnvRuntime } from '../model/env.js';

/** environment states in which roles may be excluded or included */
export const LIVE_STATES = ['CONFIGURED', 'RUNNING'] as const;

export function roleIndex(env: EnvRuntime, path: string): number {
  const clean = path.replace(/^\/+|\/+$/g, '');
  const idx = env.tree.indexOfPath(clean);
  if (idx < 0 || !clean) {
    throw new BatonError('NOT_FOUND', `role ${path || '(empty)'} not found in environment ${env.id}`, { envId: env.id, where: 'role' });
  }
  return idx;
}

export function assertLive(env: EnvRuntime, what: 'exclude' | 'include'): void {
  if (!(LIVE_STATES as readonly string[]).includes(env.state)) {
    throw new BatonError('TRANSITION_NOT_ALLOWED', `${what} is allowed in ${LIVE_STATES.join(' and ')} only; environment ${env.id} is ${env.state}`, {
      envId: env.id,
      data: { state: env.state },
    });
  }
}

/** the first critical node of a subtree (the node itself first): what may not be excluded; -1 when none */
function criticalIn(env: EnvRuntime, idx: number): number {
  const tree = env.tree;
  const end = tree.subtreeEnd(idx);
  for (let i = idx; i < end; i++) {
    if (tree.included(i) && tree.critical(i) && tree.kind(i) !== 'call' && (tree.isTask(i) || i === idx)) return i;
  }
  return -1;
}

export function checkExclude(env: EnvRuntime, idx: number): void {
  const n = env.tree.node(idx);
  const where = { envId: env.id, where: 'role', data: { role: n.path } };
  if (!n.included) throw new BatonError('BAD_INPUT', `role ${n.path} is already excluded`, where);
  if (n.kind === 'call') throw new BatonError('BAD_INPUT', `role ${n.path} is a hook (call role): only roles with tasks are excluded`, where);
  const parent = n.parent >= 0 ? env.tree.node(n.parent) : null;
  if (parent?.kind === 'iterator' && parent.nmin > 0) {
    // an item of a collection with a minimum: allowed while the collection keeps nmin items
    const left = parent.children.filter((c) => c !== idx && env.tree.included(c)).length;
    if (left < parent.nmin) {
      throw new BatonError('BAD_INPUT', `role ${n.path} cannot be excluded: ${parent.path} would keep ${left} item(s), below its nmin ${parent.nmin}`, {
        ...where,
        data: { role: n.path, rule: 'nmin', nmin: String(parent.nmin), left: String(left) },
      });
    }
    return;
  }
  const critical = criticalIn(env, idx);
  if (critical >= 0) {
    const criticalPath = env.tree.path(critical);
    throw new BatonError(
      'BAD_INPUT',
      `role ${n.path} cannot be excluded: ${criticalPath === n.path ? 'it is' : `${criticalPath} is`} critical ` +
        '(only non-critical roles, or items of an iterator above its nmin, can be excluded)',
      { ...where, data: { role: n.path, rule: 'critical', critical: criticalPath } },
    );
  }
  if (!n.counted) throw new BatonError('BAD_INPUT', `role ${n.path} has no tasks to exclude`, where);
}

export function checkInclude(env: EnvRuntime, idx: number): void {
  const n = env.tree.node(idx);
  const where = { envId: env.id, where: 'role', data: { role: n.path } };
  if (n.included) throw new BatonError('BAD_INPUT', `role ${n.path} is already included`, where);
  if (n.parent >= 0 && !env.tree.included(n.parent)) {
    throw new BatonError('BAD_INPUT', `role ${n.path} cannot be included: its parent ${env.tree.path(n.parent)} is excluded (include it instead)`, where);
  }
}
