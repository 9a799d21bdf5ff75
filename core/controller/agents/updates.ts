// Task updates from an agent (batched): launches, transition answers, spontaneous state changes,
// exits and task events. Answers count down their batch; everything else is a fault or news.
import type { TaskUpdate } from '../../rpc/gen/agent.js';
import { detailFromProto } from '../../rpc/errors.js';
import { TASK_STATES, type TaskState } from '../../model/states.js';
import type { ErrorDetailLike } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { NodeRuntime } from '../nodes.js';
import type { TaskOp } from '../transitions/op.js';
import { exitAnswered, fault, taskExited } from '../faults.js';

const TASK_STATE_SET: ReadonlySet<string> = new Set(TASK_STATES);

export function isTaskState(s: string): s is TaskState {
  return TASK_STATE_SET.has(s);
}

function hasKeys(value: object | undefined): boolean {
  if (!value) return false;
  for (const _ in value) return true;
  return false;
}

function said(u: TaskUpdate): ErrorDetailLike | undefined {
  if (u.error) return detailFromProto(u.error);
  if (u.message) return { code: 'TASK_FAILED', message: u.message };
  return undefined;
}

function taskError(t: TaskRuntime, base: ErrorDetailLike | undefined, fallback: string): ErrorDetailLike {
  return {
    ...(base ?? {}),
    code: base?.code || 'TASK_FAILED',
    message: base?.message || fallback,
    envId: t.env.id,
    taskId: t.id,
    taskName: t.name,
    node: t.node,
  };
}

export function taskAt(controller: ControllerCore, node: NodeRuntime, batchId: number, position: number): TaskRuntime | undefined {
  const ref = controller.batches.get(batchId);
  return ref && ref.batch.node === node ? ref.batch.tasks[position] : undefined;
}

/**
 * A launch answer that says nothing but the state (a simulated task: no pid, log, port or
 * address): the task is launched in `state`. Its op is answered by the caller.
 */
export function markLaunched(controller: ControllerCore, t: TaskRuntime, state: TaskState, host: string): void {
  // nothing worth a row write unless it had an exit, an error or a pid before
  const significant = !!t.exit || !!t.error || t.pid !== 0;
  t.launched = true;
  t.exit = null;
  t.error = null;
  t.pid = 0;
  if (host) t.host = host;
  t.env.setTaskLost(t, false);
  controller.setTaskState(t, state);
  if (significant) controller.persist.task(t);
}

/** the launch answer of a task still waiting for its op: ok when it came up in STANDBY */
export function answerLaunch(op: TaskOp, t: TaskRuntime, state: TaskState): void {
  if (state === 'STANDBY') op.answer(t, null);
  else op.answer(t, { task: t, reason: 'launch', detail: { code: 'TASK_FAILED', message: `it came up in ${state}, not STANDBY` } });
}

function onLaunched(controller: ControllerCore, t: TaskRuntime, u: TaskUpdate): void {
  const state = isTaskState(u.state) ? u.state : 'STANDBY';
  if (u.pid === 0 && u.logPath === '' && !hasKeys(u.ports) && !hasKeys(u.addresses)) markLaunched(controller, t, state, u.host);
  else {
    t.launched = true;
    t.exit = null;
    t.error = null;
    t.pid = u.pid;
    if (u.host) t.host = u.host;
    if (u.logPath) t.logPath = u.logPath;
    if (hasKeys(u.ports)) t.ports = u.ports;
    if (hasKeys(u.addresses)) t.addresses = u.addresses;
    t.env.setTaskLost(t, false);
    controller.setTaskState(t, state);
    controller.persist.task(t);
  }
  const op = controller.opOf(t);
  if (op) answerLaunch(op, t, state);
}

function onLaunchFailed(controller: ControllerCore, t: TaskRuntime, u: TaskUpdate): void {
  t.launched = false;
  t.error = taskError(t, said(u), `task ${t.name} could not be launched on node ${t.node}`);
  if (u.exit) t.exit = u.exit;
  controller.setTaskState(t, 'ERROR');
  controller.persist.task(t);
  const op = controller.opOf(t);
  if (op) op.answer(t, { task: t, reason: 'launch', detail: t.error });
  else fault(controller, t, 'launch', t.error);
}

/** withEvent false: the caller emits the event that says the new state (an answer carrying an exit) */
function onState(controller: ControllerCore, t: TaskRuntime, u: TaskUpdate, withEvent = true): void {
  const op = u.batchId !== 0 && t.waitBatch === u.batchId ? controller.opOf(t) : undefined;
  if (op) {
    const state: TaskState = isTaskState(u.state) ? u.state : u.ok ? (op.target ?? t.state) : 'ERROR';
    if (!u.ok) {
      t.error = taskError(t, said(u), `task ${t.name} failed ${op.event} on node ${t.node}`);
      controller.persist.task(t);
    }
    controller.setTaskState(t, state, '', withEvent);
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
    controller.persist.task(t);
  }
  controller.setTaskState(t, u.state, '', withEvent);
  if (u.state === 'ERROR' && !wasError) fault(controller, t, 'failed', t.error ?? undefined);
}

export function onUpdates(controller: ControllerCore, node: NodeRuntime, items: readonly TaskUpdate[]): void {
  let misnamed = 0;
  for (const u of items) {
    // by its position in a batch sent to this node (an index), or by its id (a lookup among all tasks)
    const t = u.position === undefined ? controller.tasks.get(u.taskId) : taskAt(controller, node, u.batchId, u.position);
    if (u.position !== undefined && !t) misnamed++;
    // unknown or placed elsewhere since: the next Hello reaps it
    if (!t || t.node !== node.name) continue;
    switch (u.kind) {
      case 'launched':
        onLaunched(controller, t, u);
        break;
      case 'failed':
        onLaunchFailed(controller, t, u);
        break;
      case 'state':
        // an EXIT answer may carry the task's exit: one update for both (agent's exitBasicTasks)
        if (u.exit?.exited) exitAnswered(controller, t, u.exit, () => onState(controller, t, u, false));
        else onState(controller, t, u);
        break;
      case 'exited':
        if (u.pid && !t.pid) {
          t.pid = u.pid;
          controller.persist.task(t); // a pid learnt with the exit: the whole row, not only the exit
        }
        taskExited(controller, t, u.exit ?? { exited: true, code: -1, signal: '', timeMs: u.timeMs }, said(u));
        break;
      case 'event':
        controller.emit({
          kind: 'task.event',
          envId: t.env.id,
          taskId: t.id,
          node: t.node,
          message: u.message,
          data: { name: t.name, event: u.eventKind },
        });
        break;
      default:
        break;
    }
  }
  if (misnamed)
    console.error(`baton controller: ${misnamed} update(s) from node ${node.name} ignored: their position names no item of a batch open on this node`);
}
