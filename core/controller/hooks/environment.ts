// The environment an exec hook runs with. Built from an allow list, not by copying the
// controller's: the controller's own environment holds its token (local mode hands it over as
// BATON_TOKEN) and whatever secrets its service manager gave it, and a hook is template code.
// What a hook gets: the basics a program needs to run, what Baton tells it about the transition,
// and the `env` map its call role sets (which may not name BATON_TOKEN or a BATON_TLS_* file).
import { BatonError } from '../../model/errors.js';
import type { HookSpec } from '../../workflow/types.js';

/** Taken from the controller's environment when set: nothing here is a secret. */
const PASSED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'SHELL', 'TERM'];

/** Never given to a hook, even when its call role sets them. */
const WITHHELD = /^(BATON_TOKEN|BATON_TLS_.*|BATON_CONTROLLER)$/;

/** `vars`: the call's values (env_id, transition, run_number); `from`: the controller's environment. */
export function hookEnvironment(c: { hook: HookSpec; vars: Record<string, string> }, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED) if (from[name] !== undefined) env[name] = from[name];
  for (const [name, value] of Object.entries(from)) if (name.startsWith('LC_') && value !== undefined) env[name] = value;
  const own = c.hook.args.env;
  if (own && typeof own === 'object' && !Array.isArray(own)) {
    for (const [name, value] of Object.entries(own)) {
      if (WITHHELD.test(name)) {
        throw new BatonError('BAD_INPUT', `hook ${c.hook.name} (exec): args.env may not set ${name}`, { where: c.hook.name });
      }
      env[name] = String(value);
    }
  }
  env.BATON_ENV_ID = c.vars.env_id;
  env.BATON_TRANSITION = c.vars.transition;
  env.BATON_RUN_NUMBER = c.vars.run_number;
  env.BATON_HOOK = c.hook.name;
  return env;
}
