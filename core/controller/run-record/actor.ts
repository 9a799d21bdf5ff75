// Who drives an environment's transition under way: the run record names who stopped a run.
// Only the transitions that end a run on purpose name their caller as its stopper; a run aborted
// by a failure during someone's transition (a START that fails) was stopped by no one.
import type { EnvRuntime } from '../model/env.js';

interface Actor {
  user: string;
  transition: string;
}

const actors = new WeakMap<EnvRuntime, Actor>();
const ENDS_A_RUN = new Set(['STOP_ACTIVITY', 'GO_ERROR']);

export function setActor(env: EnvRuntime, user: string, transition: string): void {
  if (user) actors.set(env, { user, transition });
  else actors.delete(env);
}

export function clearActor(env: EnvRuntime): void {
  actors.delete(env);
}

/** The user whose transition under way ends the run on purpose ('' when none). */
export function stopperOf(env: EnvRuntime): string {
  const a = actors.get(env);
  return a && ENDS_A_RUN.has(a.transition) ? a.user : '';
}
