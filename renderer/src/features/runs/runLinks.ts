// Links from a run to what happened during it. Pure.
import type { Run } from '../../../../core/rpc/gen/control.js';

/** how long after a run's end its events go on: the run.stop event and the end of the transition that ended it */
export const RUN_END_MARGIN_MS = 1000;

/** The events view filtered to the run's environment and time span (an open run: until now). */
export function runEventsPath(run: Pick<Run, 'envId' | 'startedMs' | 'stoppedMs'>): string {
  const q = new URLSearchParams({ env: run.envId, from: String(run.startedMs) });
  if (run.stoppedMs) q.set('to', String(run.stoppedMs + RUN_END_MARGIN_MS));
  return `/events?${q.toString()}`;
}

/** The runs page with one run's record open. */
export function runPath(runNumber: number): string {
  return `/runs?run=${runNumber}`;
}

/** The run state's chip class: open runs like RUNNING, aborted ones like ERROR. */
export function runStateClass(state: string): string {
  return `state state-${state === 'open' ? 'running' : state === 'aborted' ? 'error' : 'done'}`;
}
