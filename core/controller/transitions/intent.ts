// The intent of a transition, stored before it acts and deleted when it ends: what a controller
// restarted after a crash (kill -9, power loss) needs to know that an environment was between two
// states, and which two (controller/reconcile/restart.ts decides from its tasks' true states).
import type { EnvState, EnvTransition } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { IntentRecord } from '../../store/store.js';

const open = new WeakMap<EnvRuntime, IntentRecord>();

export async function recordIntent(
  controller: ControllerCore,
  env: EnvRuntime,
  transition: EnvTransition,
  from: EnvState,
  to: EnvState,
  deadlineMs: number,
): Promise<void> {
  const intent: IntentRecord = {
    envId: env.id,
    transition,
    fromState: from,
    target: to,
    runNumber: env.runNumber,
    startedMs: Date.now(),
    deadlineMs,
  };
  open.set(env, intent);
  await controller.store.putIntent(intent);
}

/** START_ACTIVITY opened run `n`: a restart must know which run to keep or close. */
export async function noteIntentRun(controller: ControllerCore, env: EnvRuntime, n: number): Promise<void> {
  const intent = open.get(env);
  if (!intent) return;
  intent.runNumber = n;
  await controller.store.putIntent(intent);
}

export async function clearIntent(controller: ControllerCore, env: EnvRuntime): Promise<void> {
  open.delete(env);
  try {
    await controller.store.deleteIntent(env.id);
  } catch (e) {
    // a stale intent is harmless: a restart finds the tasks at the target and completes it again
    console.error(`baton controller: clearing the transition intent of ${env.id} failed: ${(e as Error).message}`);
  }
}
