// Environment holds: an environment is driven by one user at a time, its holder (its creator by
// default). A mutating call on it by anyone else is refused with HELD naming the holder and since
// when; an expert takes the hold over with a reason (TakeEnvironment), the holder or an expert
// releases it (ReleaseEnvironment). A free environment (released, or stored before holds existed)
// is held by the first user who drives it. Every change is an `env.hold` event and, through the
// guard, an audit record.
import { BatonError } from '../../model/errors.js';
import type { Caller } from '../auth/caller.js';
import { roleAtLeast } from '../auth/caller.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import { formatSince } from './format.js';
import type { Hold } from './registry.js';

/** Refuses a mutating call on an environment another user holds. An unknown id passes (the handler says NOT_FOUND). */
export function requireHold(controller: ControllerCore, envId: string, caller: Caller): void {
  const env = controller.envs.get(envId);
  if (!env) return;
  if (!env.hold) {
    setHold(controller, env, { holder: caller.user, sinceMs: Date.now(), reason: '' }, 'first-use', '');
    return;
  }
  if (env.hold.holder !== caller.user) throw heldError(env.id, env.hold);
}

/** HELD: who holds the environment and since when (data.holder, data.since; data.since_ms). */
export function heldError(envId: string, hold: Hold): BatonError {
  const since = formatSince(hold.sinceMs);
  return new BatonError('HELD', `environment ${envId} is held by ${hold.holder} since ${since}`, {
    envId,
    data: { holder: hold.holder, since, since_ms: String(hold.sinceMs) },
  });
}

/** A new environment is held by its creator. */
export function holdNew(controller: ControllerCore, env: EnvRuntime, user: string): void {
  env.hold = { holder: user, sinceMs: env.createdMs, reason: '' };
  persist(controller, env);
}

/** TakeEnvironment: the caller (an expert, by the rules table) becomes the holder. */
export function takeHold(controller: ControllerCore, env: EnvRuntime, caller: Caller, reason: string): void {
  const why = reason.trim();
  if (!why)
    throw new BatonError('BAD_INPUT', `taking over environment ${env.id} needs a reason (it is recorded in the audit trail)`, {
      envId: env.id,
      where: 'reason',
    });
  setHold(controller, env, { holder: caller.user, sinceMs: Date.now(), reason: why }, 'take', env.hold?.holder ?? '');
}

/** ReleaseEnvironment: its holder, or an expert, frees it. Releasing a free environment does nothing. */
export function releaseHold(controller: ControllerCore, env: EnvRuntime, caller: Caller): void {
  const hold = env.hold;
  if (!hold) return;
  if (hold.holder !== caller.user && !roleAtLeast(caller.role, 'expert')) {
    const e = heldError(env.id, hold);
    throw new BatonError('HELD', `${e.message}: only ${hold.holder} or an expert may release it`, { envId: env.id, data: e.detail.data });
  }
  env.hold = null;
  controller.store.deleteHold(env.id).catch((err) => console.error(`baton controller: storing the release of ${env.id} failed: ${(err as Error).message}`));
  controller.emit({
    kind: 'env.hold',
    envId: env.id,
    message: `environment ${env.id} released by ${caller.user}${hold.holder !== caller.user ? ` (held by ${hold.holder})` : ''}`,
    data: { action: 'release', holder: '', previous: hold.holder, by: caller.user },
  });
}

/** A destroyed environment is held by nobody. */
export function dropHold(controller: ControllerCore, env: EnvRuntime): void {
  if (!env.hold) return;
  env.hold = null;
  controller.store.deleteHold(env.id).catch((err) => console.error(`baton controller: deleting the hold of ${env.id} failed: ${(err as Error).message}`));
}

/** At restart: the stored holds of the environments that came back (rows of gone ones are dropped). */
export async function restoreHolds(controller: ControllerCore): Promise<void> {
  for (const rec of await controller.store.listHolds()) {
    const env = controller.envs.get(rec.envId);
    if (env) env.hold = { holder: rec.holder, sinceMs: rec.sinceMs, reason: rec.reason };
    else await controller.store.deleteHold(rec.envId);
  }
}

function setHold(controller: ControllerCore, env: EnvRuntime, hold: Hold, action: 'take' | 'first-use', previous: string): void {
  env.hold = hold;
  persist(controller, env);
  const from = previous && previous !== hold.holder ? ` from ${previous}` : '';
  controller.emit({
    kind: 'env.hold',
    envId: env.id,
    message:
      action === 'take'
        ? `environment ${env.id} taken over${from} by ${hold.holder}: ${hold.reason}`
        : `environment ${env.id} held by ${hold.holder} (the first to drive it)`,
    data: { action, holder: hold.holder, previous, reason: hold.reason },
  });
}

// written at once (better-sqlite3 is synchronous under the async interface); a failure is logged
function persist(controller: ControllerCore, env: EnvRuntime): void {
  const hold = env.hold!;
  controller.store
    .putHold({ envId: env.id, ...hold })
    .catch((err) => console.error(`baton controller: storing the hold of ${env.id} failed: ${(err as Error).message}`));
}
