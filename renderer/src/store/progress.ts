// A transition's progress reaches the page two ways: the ControlEnvironment stream of the page that
// started it (every tick) and the env.transition events (every fifth tick, for every page). They
// travel apart, so an event can arrive after the stream has moved on; the controller's count only
// grows within a step, and so must the bar: a report older than what is shown does not take it back.
// A page that ran the transition itself also knows when the answer came: its bar goes then, and
// the events of that transition still on their way (seq up to the answer's endSeq) are not shown.
import type { Event } from '../../../core/rpc/gen/control.js';
import type { Progress } from './types.js';

export function isAnswered(answered: ReadonlyMap<string, number>, ev: Pick<Event, 'envId' | 'seq'>): boolean {
  const endSeq = answered.get(ev.envId);
  return endSeq !== undefined && ev.seq > 0 && ev.seq <= endSeq;
}

export function mergeProgress(shown: Progress | undefined, report: Progress): Progress {
  if (!shown || shown.transition !== report.transition) return report;
  // 'begin' says only that the transition started: late, it would reset a bar already counting
  if (report.phase === 'begin' && shown.phase !== 'begin') return shown;
  if (report.phase !== shown.phase) return report;
  return {
    ...report,
    done: Math.max(shown.done, report.done),
    total: report.total || shown.total,
    startedMs: Math.min(shown.startedMs || report.startedMs, report.startedMs || shown.startedMs),
  };
}
