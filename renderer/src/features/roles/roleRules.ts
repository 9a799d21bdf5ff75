// Which role may be excluded or included from the console, and why not: the controller's rules
// (core/controller/exclude/rules.ts) read off the role tree, so a button that cannot succeed is
// disabled with its reason shown. The controller still decides: a refusal it sends (the tree
// changed meanwhile) is shown as the structured error it is.
import type { Role } from '../../../../core/rpc/gen/control.js';

export type RoleAction = 'exclude' | 'include';

export interface RoleActionState {
  action: RoleAction;
  enabled: boolean;
  /** why it is disabled (always set when it is) */
  reason?: string;
}

/** environment states in which a role may be excluded or included */
export const LIVE_STATES = ['CONFIGURED', 'RUNNING'];

/** the first critical, included task of a subtree (the role itself first), as the controller sees it */
export function criticalIn(role: Role): Role | null {
  if (role.included && role.critical && role.kind !== 'call') return role;
  return criticalTask(role.children);
}

function criticalTask(roles: readonly Role[]): Role | null {
  for (const r of roles) {
    if (r.kind === 'task' && r.included && r.critical) return r;
    const hit = criticalTask(r.children);
    if (hit) return hit;
  }
  return null;
}

/** a task role has a task unless the workflow disabled it (enabled: false) */
function hasTasks(role: Role): boolean {
  return role.kind === 'task' ? role.taskId !== '' : role.children.some(hasTasks);
}

/** left out by the workflow itself (enabled: false): never launched, nothing to include */
export function disabledInWorkflow(role: Role): boolean {
  return !role.included && !hasTasks(role);
}

/**
 * What the role's button does and whether it may: `parent` is the role above it (null at the top),
 * `envState` the environment's, `busy` a transition (or another exclude/include) under way.
 */
export function roleAction(role: Role, parent: Role | null, envState: string, busy: boolean): RoleActionState | null {
  if (role.kind === 'call' || disabledInWorkflow(role)) return null; // no tasks to take out or put back
  const action: RoleAction = role.included ? 'exclude' : 'include';
  const no = (reason: string): RoleActionState => ({ action, enabled: false, reason });
  if (!LIVE_STATES.includes(envState)) return no(`only in ${LIVE_STATES.join(' or ')} (the environment is ${envState || 'unknown'})`);
  if (busy) return no('a transition is under way');
  if (action === 'include') {
    if (parent && !parent.included) return no(`its parent ${parent.path} is excluded: include that instead`);
    return { action, enabled: true };
  }
  if (!hasTasks(role)) return no('it has no tasks');
  if (parent?.kind === 'iterator' && parent.nmin > 0) {
    const left = parent.children.filter((c) => c !== role && c.included).length;
    if (left < parent.nmin) return no(`${parent.path} would keep ${left} item(s), below its nmin ${parent.nmin}`);
    return { action, enabled: true };
  }
  const critical = criticalIn(role);
  if (critical) return no(critical === role ? 'it is critical' : `${critical.path} is critical`);
  return { action, enabled: true };
}
