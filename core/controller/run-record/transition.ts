// The run record's part in a transition (transitions/engine.ts calls these): START_ACTIVITY's
// arguments checked before anything acts, the run opened before the hooks (so that
// before_START_ACTIVITY hooks get its number), the caller kept as the transition's actor, and a
// START that a hook cancelled closed as "aborted before start".
import type { ErrorDetailLike } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import { closeRun, openRun } from '../runs.js';
import { clearActor, setActor } from './actor.js';
import { checkRunType } from './names.js';

/** Refuses (BAD_INPUT, nothing changed) a START_ACTIVITY whose run_type argument is not a run type. */
export function checkStartArgs(transition: string, args: Record<string, string> | undefined): void {
  if (transition === 'START_ACTIVITY' && args?.run_type !== undefined) checkRunType(args.run_type, 'args.run_type');
}

export async function beginRunRecord(
  controller: ControllerCore,
  env: EnvRuntime,
  transition: string,
  opts: { by?: string; args?: Record<string, string> },
): Promise<void> {
  setActor(env, opts.by ?? '', transition);
  if (transition !== 'START_ACTIVITY' || env.runNumber !== null) return;
  await openRun(controller, env, { user: opts.by, runType: opts.args?.run_type?.trim() });
}

/** At the end of a transition: `cancelled` is the failure of a hook that cancelled it, if any. */
export async function endRunRecord(controller: ControllerCore, env: EnvRuntime, transition: string, cancelled: ErrorDetailLike | null): Promise<void> {
  if (transition === 'START_ACTIVITY' && cancelled && env.runNumber !== null) {
    await closeRun(controller, env, 'aborted', `aborted: ${cancelled.message}`);
  }
  clearActor(env);
}
