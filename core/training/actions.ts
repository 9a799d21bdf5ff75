// What the trainee does that the walkthrough watches: the audit trail of the step (every
// mutating call, refused ones included) judged against the step's `allowed` and `may_kill`.
import type { Event } from '../rpc/gen/control.js';
import type { LiveView } from './live.js';
import type { Step } from './types.js';

export interface WrongAction {
  atMs: number;
  what: string;
}

function argsOf(e: Event): Record<string, unknown> {
  try {
    return JSON.parse(e.data.args ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** when the call an audit event records began (its event is sent when the call ends) */
export function startedMs(e: Event): number {
  const n = Number(e.data.started_ms);
  return Number.isFinite(n) && n > 0 ? n : e.timeMs;
}

/**
 * The wrong actions among the calls begun in [fromMs, toMs): a transition not in `allowed` (when
 * the step lists some), a task killed that is neither the step's to kill nor one a fault killed.
 */
export function wrongActions(
  step: Step,
  window: { fromMs: number; toMs: number },
  events: readonly Event[],
  view: LiveView,
  faultKills: ReadonlySet<string>,
): WrongAction[] {
  const out: WrongAction[] = [];
  const mayKill = new Set((step.may_kill ?? []).flatMap((role) => view.env.tasks.filter((t) => t.role === role || t.name === role).map((t) => t.id)));
  for (const e of events) {
    if (e.kind !== 'audit') continue;
    const at = startedMs(e);
    if (at < window.fromMs || at >= window.toMs) continue;
    const method = e.data.method ?? '';
    const args = argsOf(e);
    if (method === 'ControlEnvironment' && args.id === view.env.id) {
      const transition = String(args.transition ?? '');
      if (step.allowed && !step.allowed.includes(transition)) {
        out.push({
          atMs: at,
          what: `pressed ${transition} (this step expects ${step.allowed.join(' or ')})${e.data.outcome && e.data.outcome !== 'ok' ? `, refused: ${e.data.outcome}` : ''}`,
        });
      }
    } else if (method === 'KillTask') {
      const id = String(args.id ?? '');
      if (faultKills.has(id) || mayKill.has(id)) continue;
      const t = view.env.tasks.find((x) => x.id === id);
      out.push({ atMs: at, what: `killed task ${t?.name ?? id}, which this step does not ask to kill` });
    }
  }
  return out;
}
