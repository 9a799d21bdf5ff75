// ERROR is safe: entering ERROR while tasks take data stops them. Whatever put the environment
// in ERROR (GO_ERROR, a critical task failing or crashing, a failed transition), the tasks still
// RUNNING get STOP, so that they stop writing data for a run that is over and sit in a known
// state (CONFIGURED) for RECOVER; then the open run is closed as aborted, with the error as its
// reason. A task that does not answer the STOP in time is marked ERROR (RECOVER relaunches it).
import type { ErrorDetailLike } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import { TransitionCtx } from '../model/transition.js';
import { transition } from './fanout.js';
import { lateDetail } from './errors.js';
import { closeRun } from '../runs.js';

/** The run's end reason: "aborted: <what put the environment in ERROR>". */
export function abortReason(error: ErrorDetailLike | null): string {
  return `aborted: ${error?.message || 'the environment went to ERROR'}`;
}

/** Sends STOP to the healthy RUNNING tasks under `ctx` (tolerant: nothing here is fatal), then closes the run. */
export async function stopDataTaking(controller: ControllerCore, ctx: TransitionCtx): Promise<void> {
  const env = ctx.env;
  ctx.tolerant = true;
  const running = env.active.filter((t) => t.healthy && t.state === 'RUNNING');
  if (running.length) {
    await transition(controller, ctx, 'STOP', 'CONFIGURED', running, () => ({}));
    for (const t of ctx.late) {
      if (t.lost || t.state === 'ERROR') continue;
      t.error = lateDetail(t, 'STOP');
      controller.persist.task(t);
      controller.setTaskState(t, 'ERROR');
    }
    // marked ERROR here: the environment is in ERROR already, the late STOP is no new failure
    ctx.late.length = 0;
    const stopped = running.filter((t) => t.state === 'CONFIGURED').length;
    controller.emit({
      kind: 'env.transition',
      envId: env.id,
      transition: ctx.transition,
      state: env.state,
      message: `data taking stopped: ${stopped} of ${running.length} running task(s) took STOP`,
      data: { phase: 'progress', step: 'error_stop', done: String(stopped), total: String(running.length) },
    });
  }
  await closeRun(controller, env, 'aborted', abortReason(env.error));
}

/**
 * The same under a context of its own: for ERROR entered outside a transition (a fault) or at
 * the end of one that failed (its context is aborted). The environment is busy meanwhile.
 */
export async function stopAfterError(controller: ControllerCore, env: EnvRuntime): Promise<void> {
  if (env.destroyed) return;
  const previous = env.ctx;
  const ctx = new TransitionCtx(env, 'GO_ERROR', Date.now() + controller.cfg.defaultTimeoutMs, () => {});
  env.ctx = ctx;
  controller.envTouched(env);
  try {
    await stopDataTaking(controller, ctx);
  } finally {
    ctx.stop();
    if (env.ctx === ctx) env.ctx = previous;
    controller.envTouched(env);
    // its progress went out as a GO_ERROR transition's: its end must too, or a console that
    // follows the events shows the environment busy for good (no RECOVER, no EXIT to press)
    controller.emit({
      kind: 'env.transition',
      envId: env.id,
      transition: 'GO_ERROR',
      state: env.state,
      message: 'data taking stopped after the error',
      data: { phase: 'end', ok: 'true', step: 'error_stop' },
    });
  }
}
