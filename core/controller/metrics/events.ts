// Counters fed by the controller's own events (events/bus.ts), once they are stored: transitions
// (count, duration, failures by error code), task restarts, task exits by reason, runs by how
// they ended. Reading the events keeps the metrics out of the transition and fault code.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ControllerCore } from '../core.js';
import type { BusEvent } from '../events/bus.js';
import { collectionOf, perTaskEnvs, taskLabelLimit } from './labels.js';

/** Transition durations run from milliseconds (sim tasks) to minutes (a slow CONFIGURE). */
const TRANSITION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Why a task's process ended, from its task.exit event. */
export function exitReason(e: BusEvent): string {
  if (e.data?.expected === 'true') return 'expected';
  if (e.data?.signal) return 'signal';
  return e.data?.code === '0' ? 'clean' : 'error';
}

/** Starts counting; returns the function that stops. */
export function registerEventCounters(controller: ControllerCore, registry: Registry): () => void {
  const registers = [registry];
  const transitions = new Counter({
    name: 'baton_transitions_total',
    help: 'Environment transitions ended, by transition and outcome (ok, failed)',
    labelNames: ['transition', 'outcome'],
    registers,
  });
  const failures = new Counter({
    name: 'baton_transition_failures_total',
    help: 'Environment transitions that failed, by transition and error code',
    labelNames: ['transition', 'code'],
    registers,
  });
  const durations = new Histogram({
    name: 'baton_transition_duration_seconds',
    help: 'How long environment transitions took, by transition',
    labelNames: ['transition'],
    buckets: TRANSITION_BUCKETS,
    registers,
  });
  const restarts = new Counter({
    name: 'baton_task_restarts_total',
    help: 'Tasks relaunched by their restart policy (per collection past the task label limit)',
    labelNames: ['env', 'task'],
    registers,
  });
  const exhausted = new Counter({
    name: 'baton_task_restarts_exhausted_total',
    help: 'Task faults not restarted because the restart budget was spent',
    labelNames: ['env'],
    registers,
  });
  const exits = new Counter({
    name: 'baton_task_exits_total',
    help: 'Task processes that ended, by reason: expected (EXIT, kill), clean (exit 0 unasked), error (non-zero exit), signal, lost (node down)',
    labelNames: ['env', 'reason'],
    registers,
  });
  const runs = new Counter({ name: 'baton_runs_total', help: 'Runs ended, by state (closed, aborted)', labelNames: ['state'], registers });
  // the transitions every series exists for from the start (0 rather than absent)
  for (const outcome of ['ok', 'failed'])
    for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'RESET', 'EXIT']) transitions.inc({ transition: t, outcome }, 0);
  for (const state of ['closed', 'aborted']) runs.inc({ state }, 0);

  const taskLabel = (envId: string, name: string): string => {
    const env = controller.envs.get(envId);
    if (env && perTaskEnvs(controller.envs.values(), taskLabelLimit(controller)).has(env)) return name;
    return collectionOf(name);
  };

  const count = (e: BusEvent): void => {
    switch (e.kind) {
      case 'env.transition': {
        // the end of a transition a client or the controller ran (the stop after an error has no duration)
        if (e.data?.phase !== 'end' || e.data.duration_ms === undefined) return;
        const ok = e.data.ok === 'true';
        transitions.inc({ transition: e.transition, outcome: ok ? 'ok' : 'failed' });
        durations.observe({ transition: e.transition }, Number(e.data.duration_ms) / 1000);
        if (!ok) failures.inc({ transition: e.transition, code: e.error?.code ?? 'UNKNOWN' });
        return;
      }
      case 'task.restart':
        if (e.data?.exhausted === 'true') exhausted.inc({ env: e.envId });
        else if (!e.data?.phase) restarts.inc({ env: e.envId, task: taskLabel(e.envId, e.data?.name ?? '') });
        return;
      case 'task.exit':
        exits.inc({ env: e.envId, reason: exitReason(e) });
        return;
      case 'task.lost':
        exits.inc({ env: e.envId, reason: 'lost' }, e.data?.count ? Number(e.data.count) : 1);
        return;
      case 'run.stop':
        runs.inc({ state: e.data?.run_state ?? e.state });
        return;
      default:
        return;
    }
  };
  return controller.events.listen({
    push(events) {
      for (const e of events) count(e);
    },
  });
}
