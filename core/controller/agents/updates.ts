// Task updates from an agent (batched): launches, transition answers, spontaneous state changes,
// exits and task events. Answers count down their batch; everything else is a fault or news.
import type { TaskUpdate } from '../../rpc/gen/agent.js';
import { detailFromProto } from '../../rpc/errors.js';
import { TASK_STATES, type TaskState } from '../../model/states.js';
import type { ErrorDetailLike } from '../../model/errors.js';
import type { Ctl } from '../core.js';
import type { TaskRt } from '../model/task.js';
import type { NodeRt } from '../nodes.js';
import { fault, taskExited } from '../faults.js';

function isTaskState(s: string): s is TaskState {
  return (TASK_STATES as readonly string[]).includes(s);
}

function hasKeys(o: object | undefined): boolean {
  if (!o) return false;
  for (const _ in o) return true;
  return false;
}

function said(u: TaskUpdate): ErrorDetailLike | undefined {
  if (u.error) return detailFromProto(u.error);
  if (u.message) return { code: 'TASK_FAILED', message: u.message };
  return undefined;
}

function taskError(t: TaskRt, base: ErrorDetailLike | undefined, fallback: string): ErrorDetailLike {
  return {
    ...(base ?? {}),
    code: base?.code || 'TASK_FAILED',
    message: base?.message || fallback,
    envId: t.env.id, taskId: t.id, taskName: t.name, node: t.node,
  };
}

function onLaunched(ctl: Ctl, t: TaskRt, u: TaskUpdate): void {
  // a sim task's launch carries nothing worth a row write (no pid, log, port or address)
  const significant = u.pid !== 0 || u.logPath !== '' || hasKeys(u.ports) || hasKeys(u.addresses) || !!t.exit || !!t.error || t.pid !== 0;
  t.launched = true;
  t.exit = null;
  t.error = null;
  t.pid = u.pid;
  if (u.host) t.host = u.host;
  if (u.logPath) t.logPath = u.logPath;
  if (hasKeys(u.ports)) t.ports = u.ports;
  if (hasKeys(u.addresses)) t.addresses = u.addresses;
  t.env.setTaskLost(t, false);
  const state = isTaskState(u.state) ? u.state : 'STANDBY';
  ctl.setTaskState(t, state);
  if (significant) ctl.persist.task(t);
  const op = ctl.opOf(t);
  if (!op) return;
  if (state === 'STANDBY') op.answer(t, null);
  else op.answer(t, { task: t, reason: 'launch', detail: { code: 'TASK_FAILED', message: `it came up in ${state}, not STANDBY` } });
}

function onLaunchFailed(ctl: Ctl, t: TaskRt, u: TaskUpdate): void {
  t.launched = false;
  t.error = taskError(t, said(u), `task ${t.name} could not be launched on node ${t.node}`);
  if (u.exit) t.exit = u.exit;
  ctl.setTaskState(t, 'ERROR');
  ctl.persist.task(t);
  const op = ctl.opOf(t);
  if (op) op.answer(t, { task: t, reason: 'launch', detail: t.error });
  else fault(ctl, t, 'launch', t.error);
}

function onState(ctl: Ctl, t: TaskRt, u: TaskUpdate): void {
  const op = u.batchId !== 0 && t.waitBatch === u.batchId ? ctl.opOf(t) : undefined;
  if (op) {
    const state: TaskState = isTaskState(u.state) ? u.state : u.ok ? op.target ?? t.state : 'ERROR';
    if (!u.ok) {
      t.error = taskError(t, said(u), `task ${t.name} failed ${op.event} on node ${t.node}`);
      ctl.persist.task(t);
    }
    ctl.setTaskState(t, state);
    const late = !u.ok && u.error?.code === 'TIMEOUT';
    op.answer(t, u.ok ? null : { task: t, reason: late ? 'late' : 'failed', detail: t.error ?? undefined });
    return;
  }
  // spontaneous, or a late answer to a batch that is over
  if (!isTaskState(u.state)) return;
  // a late refusal (e.g. the agent's own TIMEOUT) says nothing new: the task stays as we marked it
  if (u.batchId !== 0 && !u.ok) return;
  const wasError = t.state === 'ERROR';
  if (u.state === 'ERROR' || !u.ok) {
    t.error = taskError(t, said(u), `task ${t.name} went to ERROR on node ${t.node}`);
    ctl.persist.task(t);
  }
  ctl.setTaskState(t, u.state);
  if (u.state === 'ERROR' && !wasError) fault(ctl, t, 'failed', t.error ?? undefined);
}

export function onUpdates(ctl: Ctl, node: NodeRt, items: readonly TaskUpdate[]): void {
  for (const u of items) {
    const t = ctl.tasks.get(u.taskId);
    // unknown or placed elsewhere since: the next Hello reaps it
    if (!t || t.node !== node.name) continue;
    switch (u.kind) {
      case 'launched': onLaunched(ctl, t, u); break;
      case 'failed': onLaunchFailed(ctl, t, u); break;
      case 'state': onState(ctl, t, u); break;
      case 'exited':
        if (u.pid && !t.pid) t.pid = u.pid;
        taskExited(ctl, t, u.exit ?? { exited: true, code: -1, signal: '', timeMs: u.timeMs }, said(u));
        break;
      case 'event':
        ctl.emit({
          kind: 'task.event', envId: t.env.id, taskId: t.id, node: t.node, message: u.message,
          data: { name: t.name, event: u.eventKind },
        });
        break;
      default:
        break;
    }
  }
}
