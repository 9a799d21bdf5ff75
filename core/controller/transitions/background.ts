// Work the controller starts on its own on an environment (stopping data taking after a fault,
// restarting a crashed task) holds the environment like a transition does. A transition an
// operator asks for meanwhile waits for it to end rather than failing with BUSY: they did not
// start it, and it takes well under a second.
import type { EnvRuntime } from '../model/env.js';

const running = new WeakMap<EnvRuntime, Promise<void>>();

/** Runs `work` as the environment's background work; returns its promise. */
export function inBackground(env: EnvRuntime, work: () => Promise<void>): Promise<void> {
  const p = work().finally(() => {
    if (running.get(env) === p) running.delete(env);
  });
  running.set(env, p);
  return p;
}

/** Resolves once no background work holds the environment (at once when none does). */
export async function backgroundSettled(env: EnvRuntime): Promise<void> {
  for (let p = running.get(env); p; p = running.get(env)) await p.catch(() => {});
}
