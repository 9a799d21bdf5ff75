// ControlEnvironment: checks, then one transition under one deadline: hooks before, the step,
// hooks after; a failure puts the environment in ERROR with a structured reason. Progress is
// streamed compactly (throttled) and the write-behind is flushed at the end.
import {
  allowedEnvTransitions,
  envTransitionAllowed,
  ENV_TRANSITION_TABLE,
  ENV_TRANSITIONS,
  isEnvTransition,
  taskStateForEnv,
  type EnvState,
  type EnvTransition,
} from '../../model/states.js';
import { BatonError, toBatonError, type ErrorDetailLike } from '../../model/errors.js';
import type { ControlProgress } from '../../rpc/gen/control.js';
import { detailToProto } from '../../rpc/errors.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import { TransitionCtx, type Progress } from '../model/transition.js';
import { lateDetail, transitionError } from './errors.js';
import { STEPS } from './steps.js';
import { runHooks, fireHooks } from '../hooks/runner.js';
import { fault, goError } from '../faults.js';
import { stopAfterError } from './error-stop.js';
import { backgroundSettled } from './background.js';
import { clearIntent, recordIntent } from './intent.js';
import { runStarted } from '../runs.js';
import { assertTasksPresent } from './presence.js';
import { assertReachable } from '../agents/grace.js';
import { busyError } from './busy.js';
import { beginRunRecord, endRunRecord, checkStartArgs } from '../run-record/transition.js';

export interface ControlOptions {
  timeoutMs?: number;
  args?: Record<string, string>;
  onProgress?: (p: ControlProgress) => void;
  /** the user who asked for it (the authenticated caller): a BUSY refusal meanwhile names them,
   *  and the run record names who started or stopped a run */
  by?: string;
}

export function getEnv(controller: ControllerCore, id: string): EnvRuntime {
  const env = controller.envs.get(id);
  if (!env) throw new BatonError('NOT_FOUND', `environment ${id || '(empty id)'} not found`, { envId: id, where: 'id' });
  return env;
}

export function assertIdle(env: EnvRuntime): void {
  if (env.ctx) throw busyError(env, env.ctx);
}

function setState(controller: ControllerCore, env: EnvRuntime, to: EnvState, transition: string): void {
  const from = env.state;
  env.state = to;
  if (to !== 'ERROR') env.error = null;
  controller.envTouched(env);
  controller.emit({ kind: 'env.state', envId: env.id, state: to, transition, error: env.error ?? undefined, data: { from, degraded: String(env.degraded) } });
}

function fail(controller: ControllerCore, env: EnvRuntime, error: ErrorDetailLike): void {
  if (env.state !== 'ERROR') {
    goError(controller, env, error);
  } else {
    env.error = error;
    controller.envTouched(env);
    controller.emit({ kind: 'env.state', envId: env.id, state: 'ERROR', error, message: error.message });
  }
  fireHooks(controller, env, 'enter', 'ERROR');
}

/**
 * A task that did not answer in time is in an unknown state: it counts as failed (ERROR, named
 * slow or crashed), so that RECOVER relaunches it and later transitions skip it. Should its answer
 * still come, it is taken as a spontaneous state change.
 */
function markLate(controller: ControllerCore, ctx: TransitionCtx): void {
  if (ctx.tolerant) return;
  for (const task of ctx.late) {
    if (task.lost || task.state === 'ERROR') continue;
    task.error = lateDetail(task, ctx.transition);
    controller.persist.task(task);
    controller.setTaskState(task, 'ERROR');
  }
}

/** Runs one transition; resolves with the final progress message (ok or not). Throws only for refusals. */
export async function controlEnvironment(controller: ControllerCore, envId: string, transitionIn: string, opts: ControlOptions = {}): Promise<ControlProgress> {
  const env = getEnv(controller, envId);
  const t = transitionIn.toUpperCase();
  if (!isEnvTransition(t)) {
    throw new BatonError('BAD_INPUT', `unknown transition ${transitionIn}: expected one of ${ENV_TRANSITIONS.join(', ')}`, { envId, where: 'transition' });
  }
  // a fault's STOP or a restart the controller started: wait for it, the operator did not start it
  await backgroundSettled(env);
  assertIdle(env);
  if (!envTransitionAllowed(env.state, t)) {
    const allowed = allowedEnvTransitions(env.state);
    throw new BatonError('TRANSITION_NOT_ALLOWED', `${t} is not allowed from ${env.state} (environment ${env.id}); allowed: ${allowed.join(', ') || 'none'}`, {
      envId,
      transition: t,
      data: { state: env.state, allowed: allowed.join(',') },
    });
  }
  assertTasksPresent(env, t);
  assertReachable(env, t);
  checkStartArgs(t, opts.args);
  return run(controller, env, t, opts);
}

async function run(controller: ControllerCore, env: EnvRuntime, t: EnvTransition, opts: ControlOptions): Promise<ControlProgress> {
  const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : controller.cfg.defaultTimeoutMs;
  const progress = (p: Progress, event: boolean) => {
    opts.onProgress?.({
      phase: p.phase,
      done: p.done,
      total: p.total,
      final: false,
      ok: false,
      state: env.state,
      runNumber: env.runNumber ?? undefined,
      error: undefined,
      durationMs: Date.now() - ctx.startMs,
      transition: t,
      endSeq: 0,
    });
    if (event) {
      controller.emit({
        kind: 'env.transition',
        envId: env.id,
        transition: t,
        state: env.state,
        data: { phase: 'progress', step: p.phase, done: String(p.done), total: String(p.total) },
      });
    }
  };
  const ctx = new TransitionCtx(env, t, Date.now() + timeoutMs, progress);
  ctx.startedBy = opts.by ?? '';
  env.ctx = ctx;
  controller.envTouched(env);
  const from = env.state;
  const to = ENV_TRANSITION_TABLE[t].to;
  controller.emit({ kind: 'env.transition', envId: env.id, transition: t, state: from, data: { phase: 'begin', timeout_ms: String(timeoutMs) } });

  let error: ErrorDetailLike | null = null;
  let cancelled = false;
  // how many task failures the transition's outcome took into account (see the end)
  let answered = { fatal: 0, nonFatal: 0 };
  try {
    // stored before anything acts: a controller that dies from here on is reconciled at restart
    await recordIntent(controller, env, t, from, to, ctx.deadlineMs);
    // START_ACTIVITY: the run number is allocated and stored before the hooks, which get it
    await beginRunRecord(controller, env, t, opts);
    const hf = (await runHooks(controller, env, 'before', t, ctx)) ?? (await runHooks(controller, env, 'leave', from, ctx));
    if (hf) {
      error = hf;
      cancelled = true; // a critical hook before the transition cancels it: the state stays
    } else {
      await STEPS[t](controller, ctx, opts.args ?? {});
      error = transitionError(ctx);
      answered = { fatal: ctx.fatal.length, nonFatal: ctx.nonFatal.length };
      markLate(controller, ctx);
      if (!error) {
        if (t === 'RECOVER') env.degraded = ctx.nonFatal.length > 0;
        if (t === 'EXIT') env.degraded = false;
        setState(controller, env, to, t);
        if (t === 'START_ACTIVITY') runStarted(env);
        // the workflow layer's order: before, leave (old state), enter (new state), after
        error = (await runHooks(controller, env, 'enter', to, ctx)) ?? (await runHooks(controller, env, 'after', t, ctx));
      }
    }
  } catch (e) {
    const be = toBatonError(e);
    error = { ...be.detail, envId: env.id, transition: t };
  }
  if (error && !cancelled) {
    fail(controller, env, { ...error, envId: env.id, transition: error.transition || t });
    // ERROR is safe: what still runs gets STOP and the run is aborted before the env is idle
    await stopAfterError(controller, env);
  }
  // a START a hook cancelled: its run is closed as aborted before start
  await endRunRecord(controller, env, t, cancelled ? error : null);

  ctx.stop();
  env.ctx = null;
  controller.envTouched(env);
  const durationMs = Date.now() - ctx.startMs;
  controller.emit({
    kind: 'env.transition',
    envId: env.id,
    transition: t,
    state: env.state,
    error: error ?? undefined,
    message: error ? error.message : `${t} done in ${durationMs} ms`,
    data: { phase: 'end', ok: String(!error), duration_ms: String(durationMs), done: String(ctx.done), total: String(ctx.total) },
  });
  await controller.persist.flush();
  await clearIntent(controller, env); // after the end state is stored, never before
  await controller.events.flush();
  // the final count is about tasks (whatever the last phase was): how many reached the target
  const target = taskStateForEnv(to);
  const reply: ControlProgress = {
    phase: 'done',
    done: target ? env.counts.get(target) : 0,
    total: env.counts.total,
    final: true,
    ok: !error,
    state: env.state,
    runNumber: env.runNumber ?? undefined,
    error: error ? detailToProto(error) : undefined,
    durationMs,
    transition: t,
    endSeq: controller.events.lastSeq,
  };
  if (!error) {
    // a task that failed after every task had answered (during the enter/after hooks or the
    // record writes) was noted in the context, which no one reads any more: it is a fault of the
    // state just reached, as if it had failed a moment later (a critical one: ERROR, after the
    // transition's own end)
    for (const f of [...ctx.fatal.slice(answered.fatal), ...ctx.nonFatal.slice(answered.nonFatal)]) fault(controller, f.task, f.reason, f.detail);
  }
  return reply;
}
