// BUSY: another transition is under way. The refusal names it, who asked for it and since when,
// so that the second of two consoles knows whom to talk to.
import { BatonError } from '../../model/errors.js';
import { formatSince } from '../locks/format.js';
import type { EnvRuntime } from '../model/env.js';
import type { TransitionCtx } from '../model/transition.js';

export function busyError(env: EnvRuntime, ctx: TransitionCtx): BatonError {
  const who = ctx.startedBy ? `started by ${ctx.startedBy}` : 'started by the controller';
  const since = formatSince(ctx.startMs);
  return new BatonError('BUSY', `environment ${env.id} is busy: ${ctx.transition} is under way (${who} at ${since})`, {
    envId: env.id,
    transition: ctx.transition,
    data: { by: ctx.startedBy || 'controller', since, since_ms: String(ctx.startMs) },
  });
}
