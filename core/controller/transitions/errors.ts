// Structured errors of transitions and faults: which task, on which node, what exit code or
// signal, what it printed last. A TIMEOUT names the late tasks and tells slow from crashed.
import type { ErrorDetailLike } from '../../model/errors.js';
import type { TaskRuntime } from '../model/task.js';
import type { Failure, TransitionCtx } from '../model/transition.js';

/** causes listed in one error: enough to act on, bounded for 150k-task environments */
const MAX_CAUSES = 50;

function exitText(t: TaskRuntime): string {
  const x = t.exit;
  if (!x) return '';
  if (x.signal) return ` (killed by ${x.signal})`;
  return ` (exit code ${x.code})`;
}

function taskFields(t: TaskRuntime, extra?: ErrorDetailLike): Omit<ErrorDetailLike, 'code' | 'message'> {
  const f: Omit<ErrorDetailLike, 'code' | 'message'> = { envId: t.env.id, taskId: t.id, taskName: t.name, node: t.node };
  const exitCode = extra?.exitCode ?? (t.exit && !t.exit.signal ? t.exit.code : undefined);
  if (exitCode !== undefined && exitCode >= 0) f.exitCode = exitCode;
  const signal = extra?.signal || t.exit?.signal;
  if (signal) f.signal = signal;
  const lines = extra?.lastLines?.length ? extra.lastLines : t.error?.lastLines;
  if (lines?.length) f.lastLines = lines;
  return f;
}

export function failureDetail(f: Failure, transition: string): ErrorDetailLike {
  const t = f.task;
  const said = f.detail?.message ? `: ${f.detail.message}` : '';
  let code = 'TASK_FAILED';
  let message: string;
  switch (f.reason) {
    case 'failed':
      message = `task ${t.name} failed ${transition} on node ${t.node}${said}`;
      break;
    case 'launch':
      message = `task ${t.name} could not be launched on node ${t.node}${said}`;
      break;
    case 'crashed':
      message = `task ${t.name} exited${transition ? ` during ${transition}` : ''} on node ${t.node}${exitText(t)}`;
      break;
    case 'lost':
      code = 'TASK_LOST';
      message = `task ${t.name} was lost${transition ? ` during ${transition}` : ''}: its node ${t.node} is down`;
      break;
    case 'unavailable':
      code = 'TASK_LOST';
      message = `task ${t.name} cannot be reached: its node ${t.node} is not connected`;
      break;
    case 'late':
      code = 'TIMEOUT';
      message = `task ${t.name} on node ${t.node} did not answer ${transition} in time${said}`;
      break;
    case 'unanswered':
      message = `task ${t.name} on node ${t.node} did not answer ${transition}${said}`;
      break;
  }
  return {
    code,
    message,
    ...taskFields(t, f.detail),
    ...(transition ? { transition } : {}),
    data: { reason: f.reason, critical: String(t.critical) },
  };
}

/** slow: alive and reachable but did not answer in time; crashed: it exited; lost: its node is down */
export function lateReason(t: TaskRuntime): 'slow' | 'crashed' | 'lost' {
  if (t.lost) return 'lost';
  if (!t.launched && t.exit) return 'crashed';
  return 'slow';
}

export function lateDetail(t: TaskRuntime, transition: string): ErrorDetailLike {
  const why = lateReason(t);
  const message =
    why === 'slow'
      ? `task ${t.name} on node ${t.node} is alive but did not answer ${transition} in time`
      : why === 'crashed'
        ? `task ${t.name} on node ${t.node} exited before answering ${transition}${exitText(t)}`
        : `task ${t.name} did not answer ${transition}: its node ${t.node} is down`;
  return { code: 'TIMEOUT', message, ...taskFields(t), transition, data: { reason: why, critical: String(t.critical) } };
}

function bounded(list: ErrorDetailLike[]): { causes: ErrorDetailLike[]; data?: Record<string, string> } {
  if (list.length <= MAX_CAUSES) return { causes: list };
  return { causes: list.slice(0, MAX_CAUSES), data: { more_causes: String(list.length - MAX_CAUSES) } };
}

/** The error of a failed transition (null when nothing fatal happened). */
export function transitionError(ctx: TransitionCtx): ErrorDetailLike | null {
  const env = ctx.env;
  const fatalLate = ctx.late.filter((t) => env.isFatal(t));
  if (fatalLate.length) {
    const all = ctx.late.map((t) => lateDetail(t, ctx.transition));
    const slow = ctx.late.filter((t) => lateReason(t) === 'slow').length;
    const b = bounded(all);
    const first = fatalLate[0]!;
    return {
      code: 'TIMEOUT',
      message:
        `${ctx.transition} of environment ${env.id} timed out: ${ctx.late.length} task(s) did not answer ` +
        `(${slow} slow, ${ctx.late.length - slow} crashed or lost), e.g. ${first.name} on node ${first.node}`,
      envId: env.id,
      transition: ctx.transition,
      taskId: first.id,
      taskName: first.name,
      node: first.node,
      causes: b.causes,
      data: { late: String(ctx.late.length), slow: String(slow), ...(b.data ?? {}) },
    };
  }
  if (!ctx.fatal.length) return null;
  const details = ctx.fatal.map((f) => failureDetail(f, ctx.transition));
  const main = details[0]!;
  if (details.length === 1) return main;
  const b = bounded(details);
  return {
    ...main,
    message: `${main.message} (and ${details.length - 1} more task failure(s))`,
    causes: b.causes,
    data: { ...(main.data ?? {}), failures: String(details.length), ...(b.data ?? {}) },
  };
}
