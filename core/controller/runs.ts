// Runs: a number allocated (and stored) before any hook or task hears of it, unique and
// monotonic across restarts; closed at STOP_ACTIVITY, aborted when the environment fails while
// running or when its START fails ("aborted before start"). The run record (run-record/) keeps
// who started and stopped it, its type, detectors, configuration and why it ended.
import type { RunRecord } from '../store/store.js';
import type { ControllerCore } from './core.js';
import type { EnvRuntime } from './model/env.js';
import { detectorsOf } from './run-record/detectors.js';
import { configSnapshot } from './run-record/snapshot.js';
import { stopperOf } from './run-record/actor.js';
import { noteRunBaseline, storeRunSummary } from './run-record/summary.js';
import { noteIntentRun } from './transitions/intent.js';

/** runs opened whose START_ACTIVITY has not completed yet */
const starting = new WeakSet<EnvRuntime>();
/** the run type of each environment's open run */
const openRunTypes = new WeakMap<EnvRuntime, string>();

export interface OpenRunOptions {
  /** who ran START_ACTIVITY */
  user?: string;
  /** START_ACTIVITY's run_type argument; '' for the environment's default */
  runType?: string;
}

/** The run type of the environment's open run (hooks get it as ${run_type}). */
export function runTypeOfOpenRun(env: EnvRuntime): string {
  return openRunTypes.get(env) ?? env.runType;
}

/** The run type of a run about to start: the argument, else the environment's default. */
export function runTypeFor(env: EnvRuntime, requested = ''): string {
  return requested || env.runType;
}

/** Allocates the next run number and records the run as open (stored before returning). */
export async function openRun(controller: ControllerCore, env: EnvRuntime, opts: OpenRunOptions = {}): Promise<number> {
  const n = await controller.store.nextRunNumber();
  // the transition's intent names the run before the run is stored: a controller killed between
  // the two writes (a networked store makes that window real) leaves a run its successor knows to
  // keep or close (reconcile/restart.ts writes a missing record), never one left open forever
  await noteIntentRun(controller, env, n);
  env.runStartedMs = Date.now();
  env.runNumber = n;
  noteRunBaseline(env);
  starting.add(env);
  const runType = runTypeFor(env, opts.runType);
  openRunTypes.set(env, runType);
  const record: RunRecord = {
    runNumber: n,
    envId: env.id,
    workflow: env.workflow,
    startedMs: env.runStartedMs,
    stoppedMs: 0,
    owner: env.owner,
    state: 'open',
    tasks: env.active.length,
    runType,
    envName: env.name,
    detectors: detectorsOf(controller, env),
    startedBy: opts.user ?? '',
  };
  await controller.store.putRun(record);
  await controller.store.putRunConfig(n, configSnapshot(env));
  controller.envTouched(env);
  controller.emit({
    kind: 'run.start',
    envId: env.id,
    runNumber: n,
    message: `run ${n} of ${env.name || env.workflow} opened${opts.user ? ` by ${opts.user}` : ''}`,
    data: { workflow: env.workflow, name: env.name, run_type: runType, started_by: opts.user ?? '' },
  });
  return n;
}

/** START_ACTIVITY completed: from now on an abort is no longer "before start". */
export function runStarted(env: EnvRuntime): void {
  starting.delete(env);
}

export interface CloseRunOptions {
  /** who stopped it; default: the caller of the transition under way when it ends runs on purpose */
  by?: string;
  /** the run record's end reason; default: "stopped by NAME", or the reason, or "aborted" */
  endReason?: string;
}

function endReasonOf(env: EnvRuntime, state: 'closed' | 'aborted', reason: string, by: string): string {
  if (state === 'closed') return by ? `stopped by ${by}` : reason ? `stopped: ${reason}` : 'stopped';
  const why = reason.replace(/^aborted:\s*/, '');
  if (starting.has(env)) return `aborted before start${why ? `: ${why}` : ''}`;
  return `aborted${why ? `: ${why}` : ''}`;
}

/**
 * Closes the environment's open run, if any. `reason` (why it closed; an aborted run's:
 * "aborted: <error>") goes in the run.stop event; the record gets who stopped it and its end reason.
 */
export async function closeRun(
  controller: ControllerCore,
  env: EnvRuntime,
  state: 'closed' | 'aborted',
  reason = '',
  opts: CloseRunOptions = {},
): Promise<void> {
  const n = env.runNumber;
  if (n === null) return;
  env.runNumber = null;
  const stopped = Date.now();
  const by = opts.by ?? stopperOf(env);
  const endReason = opts.endReason ?? endReasonOf(env, state, reason, by);
  starting.delete(env);
  openRunTypes.delete(env);
  controller.envTouched(env);
  controller.emit({
    kind: 'run.stop',
    envId: env.id,
    runNumber: n,
    state,
    message: reason || (state === 'closed' && by ? `run ${n} closed: stopped by ${by}` : `run ${n} ${state}`),
    data: {
      run_state: state,
      duration_ms: String(stopped - (env.runStartedMs || stopped)),
      ...(reason ? { reason } : {}),
      end_reason: endReason,
      ...(by ? { stopped_by: by } : {}),
    },
  });
  try {
    const end = { stoppedMs: stopped, state, tasks: env.active.length, stoppedBy: by, endReason };
    // a run whose record the crash kept from being written (reconcile): written whole now
    if (!(await controller.store.endRun(n, end))) {
      await controller.store.putRun({
        runNumber: n,
        envId: env.id,
        workflow: env.workflow,
        startedMs: env.runStartedMs || stopped,
        owner: env.owner,
        envName: env.name,
        ...end,
      });
    }
  } catch (e) {
    console.error(`baton controller: storing run ${n} failed: ${(e as Error).message}`);
  }
  await storeRunSummary(controller, env, n, env.runStartedMs ? stopped - env.runStartedMs : 0);
}
