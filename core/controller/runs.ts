// Runs: a number allocated (and stored) before any task hears of it, unique and monotonic across
// restarts; closed at STOP_ACTIVITY, aborted when the environment fails while running.
import type { RunRecord } from '../store/store.js';
import type { ControllerCore } from './core.js';
import type { EnvRuntime } from './model/env.js';

function record(env: EnvRuntime, runNumber: number, state: RunRecord['state'], stoppedMs: number): RunRecord {
  return {
    runNumber,
    envId: env.id,
    workflow: env.workflow,
    startedMs: env.runStartedMs,
    stoppedMs,
    owner: env.owner,
    state,
    tasks: env.active.length,
  };
}

/** Allocates the next run number and records the run as open (both stored before returning). */
export async function openRun(controller: ControllerCore, env: EnvRuntime): Promise<number> {
  const n = await controller.store.nextRunNumber();
  env.runStartedMs = Date.now();
  env.runNumber = n;
  await controller.store.putRun(record(env, n, 'open', 0));
  controller.envTouched(env);
  controller.emit({ kind: 'run.start', envId: env.id, runNumber: n, data: { workflow: env.workflow } });
  return n;
}

/** Closes the environment's open run, if any; `reason` (why it closed; an aborted run's: "aborted: <error>") goes in the run.stop event. */
export async function closeRun(controller: ControllerCore, env: EnvRuntime, state: 'closed' | 'aborted', reason = ''): Promise<void> {
  const n = env.runNumber;
  if (n === null) return;
  env.runNumber = null;
  const stopped = Date.now();
  controller.envTouched(env);
  controller.emit({
    kind: 'run.stop',
    envId: env.id,
    runNumber: n,
    state,
    message: reason || `run ${n} ${state}`,
    data: { run_state: state, duration_ms: String(stopped - env.runStartedMs), ...(reason ? { reason } : {}) },
  });
  try {
    // the start time comes from the stored record after a controller restart
    if (!env.runStartedMs) {
      const prev = (await controller.store.listRuns({ envId: env.id, limit: 5 })).find((r) => r.runNumber === n);
      env.runStartedMs = prev?.startedMs ?? stopped;
    }
    await controller.store.putRun(record(env, n, state, stopped));
  } catch (e) {
    console.error(`baton controller: storing run ${n} failed: ${(e as Error).message}`);
  }
}
