// The restart policy of a task (`restart: {policy: on-failure, max: 3, within: 10m}`), from its
// role's task:, its role or its class, in that order. Checked here with the place of the bad
// value (file:line:col); the controller applies it (core/controller/restarts/).
import type { RestartPolicy } from './types.js';
import type { Scope } from './expr.js';
import { evalDuration, evalInt, evalString, fail, sub, type At } from './evaluate.js';

export const RESTART_POLICIES = ['on-failure', 'never'] as const;
/** defaults of a policy that names neither: 3 restarts within 10 minutes */
export const DEFAULT_RESTART = { max: 3, withinMs: 10 * 60_000 };

/** The policy written at `at`, or undefined for none (absent, or policy: never). */
export function restartPolicy(at: At, raw: unknown, scope: Scope): RestartPolicy | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(at, 'restart must be a map: {policy: on-failure, max: 3, within: 10m}', 'type');
  const r = raw as Record<string, unknown>;
  const policy = r.policy === undefined ? 'on-failure' : evalString(sub(at, 'policy'), r.policy, scope, 'restart.policy');
  if (!(RESTART_POLICIES as readonly string[]).includes(policy)) {
    fail(sub(at, 'policy'), `restart.policy must be one of ${RESTART_POLICIES.join(', ')}, got "${policy}"`, 'range');
  }
  const max = evalInt(sub(at, 'max'), r.max, scope, DEFAULT_RESTART.max, 'restart.max', 1);
  const withinMs = evalDuration(sub(at, 'within'), r.within, scope, DEFAULT_RESTART.withinMs, 'restart.within');
  if (withinMs <= 0) fail(sub(at, 'within'), 'restart.within must be longer than 0', 'range');
  if (policy === 'never') return undefined;
  return { policy: 'on-failure', max, withinMs };
}
