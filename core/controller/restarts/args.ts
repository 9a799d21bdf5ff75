// The arguments the environment's CONFIGURE and START_ACTIVITY were given, kept so that a task
// launched again while the environment is CONFIGURED or RUNNING (a restart, an include) hears the
// same ones as its peers did: CONFIGURE's args (channels recomputed), START's with the run number.
// In memory only: after a controller restart a relaunched task gets its properties alone.
import type { EnvRuntime } from '../model/env.js';

interface Remembered {
  configure: Record<string, string>;
  start: Record<string, string>;
}

const byEnv = new WeakMap<EnvRuntime, Remembered>();

function of(env: EnvRuntime): Remembered {
  let r = byEnv.get(env);
  if (!r) {
    r = { configure: {}, start: {} };
    byEnv.set(env, r);
  }
  return r;
}

export function rememberConfigureArgs(env: EnvRuntime, args: Record<string, string>): void {
  of(env).configure = { ...args };
}

export function rememberStartArgs(env: EnvRuntime, args: Record<string, string>): void {
  of(env).start = { ...args };
}

export function configureArgsOf(env: EnvRuntime): Record<string, string> {
  return of(env).configure;
}

/** START's arguments, with the run number of the run now open. */
export function startArgsOf(env: EnvRuntime): Record<string, string> {
  const args = { ...of(env).start };
  if (env.runNumber !== null) args.run_number = String(env.runNumber);
  return args;
}
