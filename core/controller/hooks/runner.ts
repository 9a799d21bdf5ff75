// Hooks (call roles) run at their trigger (before_/after_ a transition, enter_/leave_ a state) in
// weight order, one at a time, each within its own timeout and what remains of the transition's
// deadline. A hook with `await` starts at its trigger and is waited for at the later one.
import type { HookSpec, HookWhen } from '../../workflow/types.js';
import { BatonError, toBatonError, type ErrorDetailLike } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { TransitionCtx } from '../model/transition.js';
import { BUILTINS, type HookFn } from './builtins.js';
import { hookRefusal } from './policy-check.js';
import { runTypeOfOpenRun } from '../runs.js';

const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

interface HookResult {
  hook: HookSpec;
  ok: boolean;
  timedOut: boolean;
  message: string;
  durationMs: number;
  when: string;
}

/** started hooks to be waited for at a later trigger: env id -> trigger key -> results */
const awaiting = new WeakMap<EnvRuntime, Map<string, Promise<HookResult>[]>>();

function triggerKey(when: string, name: string): string {
  return `${when}_${name}`.toUpperCase();
}

function matching(env: EnvRuntime, when: HookWhen, name: string): HookSpec[] {
  const key = name.toUpperCase();
  return env.hooks
    .filter((h) => h.trigger?.when === when && String(h.trigger.transition).toUpperCase() === key && env.roleIncluded(h.name))
    .map((h, i) => ({ h, i }))
    .sort((a, b) => (a.h.weight ?? 0) - (b.h.weight ?? 0) || a.i - b.i)
    .map((x) => x.h);
}

async function runOne(controller: ControllerCore, env: EnvRuntime, h: HookSpec, when: string, timeoutMs: number, transition: string): Promise<HookResult> {
  const start = Date.now();
  controller.emit({
    kind: 'hook.start',
    envId: env.id,
    transition,
    message: `hook ${h.name} (${h.func}) started at ${when}`,
    data: { hook: h.name, func: h.func, when, timeout_ms: String(timeoutMs) },
  });
  const ac = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | null = null;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      const e = new Error(`timed out after ${timeoutMs} ms`);
      ac.abort(e);
      reject(e);
    }, timeoutMs);
  });
  let ok = true;
  let message: string;
  try {
    const fn = (BUILTINS as Record<string, HookFn | undefined>)[h.func];
    if (!fn) throw new Error(`unknown hook function ${h.func} (known: ${Object.keys(BUILTINS).join(', ')})`);
    const refused = hookRefusal({ policy: controller.cfg.templatePolicy, repos: controller.cfg.templateRepos }, h, env.expanded.repo);
    if (refused) throw new BatonError('PERMISSION_DENIED', refused, { where: h.name });
    const vars: Record<string, string> = {
      env_id: env.id,
      transition,
      run_number: env.runNumber === null ? '' : String(env.runNumber),
      run_type: env.runNumber === null ? '' : runTypeOfOpenRun(env),
      state: env.state,
      workflow: env.workflow,
      hook: h.name,
      when,
    };
    message = await Promise.race([fn({ hook: h, signal: ac.signal, vars, cwd: env.expanded.repo || controller.cfg.home }), deadline]);
  } catch (e) {
    ok = false;
    message = timedOut ? `timed out after ${timeoutMs} ms` : toBatonError(e).message;
  } finally {
    if (timer) clearTimeout(timer);
  }
  const durationMs = Date.now() - start;
  controller.emit({
    kind: 'hook.end',
    envId: env.id,
    transition,
    message: `hook ${h.name} ${ok ? 'succeeded' : 'failed'}: ${message}`,
    data: { hook: h.name, func: h.func, when, ok: String(ok), result: message.slice(0, 500), duration_ms: String(durationMs), timed_out: String(timedOut) },
  });
  return { hook: h, ok, timedOut, message, durationMs, when };
}

function failure(env: EnvRuntime, r: HookResult, transition: string): ErrorDetailLike {
  return {
    code: 'HOOK_FAILED',
    message: `hook ${r.hook.name} (${r.hook.func}) failed at ${r.when}: ${r.message}`,
    envId: env.id,
    where: r.hook.name,
    transition,
    data: { hook: r.hook.name, func: r.hook.func, when: r.when, reason: r.timedOut ? 'timeout' : 'failed', duration_ms: String(r.durationMs) },
  };
}

/**
 * Runs the hooks of one trigger (and waits for earlier hooks that await it). Returns the failure
 * of the first critical hook that failed, or null.
 */
export async function runHooks(
  controller: ControllerCore,
  env: EnvRuntime,
  when: HookWhen,
  name: string,
  ctx: TransitionCtx | null,
): Promise<ErrorDetailLike | null> {
  const key = triggerKey(when, name);
  const hooks = matching(env, when, name);
  const waits = awaiting.get(env)?.get(key) ?? [];
  awaiting.get(env)?.delete(key);
  if (!hooks.length && !waits.length) return null;
  const transition = ctx?.transition ?? '';
  ctx?.setPhase(`hooks ${key.toLowerCase()}`, hooks.length + waits.length);
  let firstFail: ErrorDetailLike | null = null;
  const settle = (r: HookResult) => {
    if (ctx) ctx.done++;
    if (!r.ok && r.hook.critical && !firstFail) firstFail = failure(env, r, transition);
  };
  for (const w of waits) settle(await w);
  for (const h of hooks) {
    if (firstFail) break;
    const own = h.timeoutMs > 0 ? h.timeoutMs : DEFAULT_HOOK_TIMEOUT_MS;
    const timeout = ctx ? Math.min(own, ctx.remaining()) : own;
    const p = runOne(controller, env, h, key.toLowerCase(), timeout, transition);
    if (h.await) {
      const later = h.await.toUpperCase();
      let m = awaiting.get(env);
      if (!m) {
        m = new Map();
        awaiting.set(env, m);
      }
      const list = m.get(later) ?? [];
      list.push(p);
      m.set(later, list);
      if (ctx) ctx.done++;
      continue;
    }
    settle(await p);
  }
  return firstFail;
}

/** Fire-and-forget hooks outside a transition (e.g. enter_ERROR after a fault). */
export function fireHooks(controller: ControllerCore, env: EnvRuntime, when: HookWhen, name: string): void {
  void runHooks(controller, env, when, name, null).catch((e) => {
    console.error(`baton controller: hooks ${when}_${name} of ${env.id} failed: ${(e as Error).message}`);
  });
}
