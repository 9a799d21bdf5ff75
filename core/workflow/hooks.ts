// Call roles -> HookSpec, and the order hooks run in.
import type { HookSpec, HookWhen } from './types.js';
import { ENV_STATES, ENV_TRANSITIONS } from '../model/states.js';
import { fromCel, type Scope } from './expr.js';
import { evalAt, evalBool, evalDuration, evalInt, evalString, fail, sub, type At } from './evaluate.js';

export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;
const WHENS: HookWhen[] = ['before', 'after', 'enter', 'leave'];

/** `after_START_ACTIVITY` -> {when: after, transition: START_ACTIVITY}; enter_/leave_ take a state. */
export function parseTrigger(s: string): { when: HookWhen; transition: string } | null {
  const i = s.indexOf('_');
  if (i < 0) return null;
  const when = s.slice(0, i) as HookWhen;
  const what = s.slice(i + 1);
  if (!WHENS.includes(when)) return null;
  const ok = when === 'before' || when === 'after' ? (ENV_TRANSITIONS as readonly string[]).includes(what) : (ENV_STATES as readonly string[]).includes(what);
  return ok ? { when, transition: what } : null;
}

const TRIGGER_HELP = 'before_<TRANSITION>, after_<TRANSITION>, enter_<STATE> or leave_<STATE> (e.g. after_START_ACTIVITY, enter_RUNNING)';

export function buildHook(path: string, call: Record<string, unknown>, at: At, scope: Scope, roleCritical: unknown, roleAt: At): HookSpec {
  const func = evalString(sub(at, 'func'), call.func, scope, 'func');
  if (!func.trim()) fail(sub(at, 'func'), 'func must not be empty', 'hook');
  const args = fromCel(evalAt(sub(at, 'args'), call.args ?? {}, scope));
  if (!args || typeof args !== 'object' || Array.isArray(args)) fail(sub(at, 'args'), 'args must be a map', 'hook');
  const trigText = evalString(sub(at, 'trigger'), call.trigger, scope, 'trigger');
  const trigger = parseTrigger(trigText);
  if (!trigger) fail(sub(at, 'trigger'), `trigger "${trigText}" is not ${TRIGGER_HELP}`, 'hook');
  const hook: HookSpec = {
    name: path,
    func,
    args: args as Record<string, unknown>,
    trigger,
    weight: evalInt(sub(at, 'weight'), call.weight, scope, 0, 'weight'),
    timeoutMs: evalDuration(sub(at, 'timeout'), call.timeout, scope, DEFAULT_HOOK_TIMEOUT_MS, 'timeout'),
    critical:
      call.critical !== undefined
        ? evalBool(sub(at, 'critical'), call.critical, scope, true, 'critical')
        : evalBool(sub(roleAt, 'critical'), roleCritical, scope, true, 'critical'),
  };
  if (call.await !== undefined) {
    const aw = evalString(sub(at, 'await'), call.await, scope, 'await');
    if (aw) {
      if (!parseTrigger(aw)) fail(sub(at, 'await'), `await "${aw}" is not ${TRIGGER_HELP}`, 'hook');
      hook.await = aw;
    }
  }
  return hook;
}

/** Where a trigger falls in a transition: before, (leave the old state, enter the new), after. */
const WHEN_ORDER: Record<HookWhen, number> = { before: 0, leave: 1, enter: 2, after: 3 };

/** Hooks ordered by trigger (transition order, then before/leave/enter/after), then weight, then name. */
export function orderHooks(hooks: HookSpec[]): HookSpec[] {
  const rank = (h: HookSpec) => {
    const t = (ENV_TRANSITIONS as readonly string[]).indexOf(h.trigger.transition);
    const st = (ENV_STATES as readonly string[]).indexOf(h.trigger.transition);
    return t >= 0 ? t * 10 : 100 + st * 10;
  };
  return [...hooks].sort(
    (a, b) =>
      rank(a) - rank(b) || WHEN_ORDER[a.trigger.when] - WHEN_ORDER[b.trigger.when] || a.weight - b.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}
