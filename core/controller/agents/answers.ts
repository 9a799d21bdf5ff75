// Plain answers by position (agent.proto BatchAnswers): "the items at these positions of batch B
// did what was asked and are now in state S". The batch is the one this controller sent the agent
// (TaskOp.send keeps its tasks in the order sent), so a task is found by an index, not by a
// lookup of its id among all tasks; the op counts the batch's answers once per message, not once
// per task. With exits (three columns beside the positions), each answer is also its task's exit
// report, applied as a TaskUpdate's answer with `exit` would be (faults.ts exitAnswered); in a
// kill batch, as its `exited` update would be (taskExited). Anything else an agent says comes as
// TaskUpdates (updates.ts).
import type { BatchAnswers } from '../../rpc/gen/agent.js';
import type { ExitInfo } from '../../rpc/gen/common.js';
import type { TaskState } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { NodeRuntime } from '../nodes.js';
import type { OpBatch, TaskOp } from '../transitions/op.js';
import { answerLaunch, isTaskState, markLaunched } from './updates.js';
import { exitAnswered, taskExited } from '../faults.js';

/** why these answers cannot be applied (null: they can): a bad message changes nothing */
function refusal(controller: ControllerCore, node: NodeRuntime, a: BatchAnswers): string | null {
  const ref = controller.batches.get(a.batchId);
  if (!ref || ref.batch.node !== node) return `batch ${a.batchId} is not a batch open on this node`;
  if (ref.op.kind === 'kill' && !a.exitCodes.length) return `batch ${a.batchId} is a kill, whose answers are exits`;
  if (!isTaskState(a.state)) return `unknown task state ${JSON.stringify(a.state)}`;
  const n = a.positions.length;
  const exits = a.exitCodes.length;
  if (exits || a.exitSignals.length || a.exitTimesMs.length) {
    if (exits !== n || a.exitSignals.length !== n || a.exitTimesMs.length !== n)
      return `exit columns of ${exits}, ${a.exitSignals.length} and ${a.exitTimesMs.length} item(s) for ${n} position(s)`;
    if (ref.op.kind === 'launch') return `batch ${a.batchId} is a launch, whose answers carry no exit`;
  }
  const size = ref.batch.tasks.length;
  for (const p of a.positions) if (p >= size) return `position ${p} is out of batch ${a.batchId} of ${size} item(s)`;
  return null;
}

export function onBatchAnswers(controller: ControllerCore, node: NodeRuntime, a: BatchAnswers): void {
  const why = refusal(controller, node, a);
  if (why) {
    console.error(`baton controller: answers by position from node ${node.name} ignored: ${why}`);
    return;
  }
  const { op, batch } = controller.batches.get(a.batchId)!;
  const state = a.state as TaskState;
  if (op.kind === 'launch') launched(controller, node, op, batch, a.positions, state);
  else if (op.kind === 'kill') killed(controller, node, batch, a);
  else transitioned(controller, node, op, batch, a, state);
}

function launched(controller: ControllerCore, node: NodeRuntime, op: TaskOp, batch: OpBatch, positions: readonly number[], state: TaskState): void {
  let ok = 0;
  for (const p of positions) {
    const t = batch.tasks[p]!;
    if (t.node !== node.name) continue; // placed elsewhere since: the next Hello reaps it
    markLaunched(controller, t, state, node.host);
    if (t.waitBatch !== batch.id) continue; // late (its op is over): the state is all it says
    if (state !== 'STANDBY') answerLaunch(op, t, state);
    else {
      t.waitBatch = 0;
      ok++;
    }
  }
  op.answeredOk(batch, ok);
}

/** row i's exit */
function exitAt(a: BatchAnswers, i: number): ExitInfo {
  return { exited: true, code: a.exitCodes[i]!, signal: a.exitSignals[i]!, timeMs: a.exitTimesMs[i]! };
}

/**
 * Answers to a transition; with exits, each is also its task's exit, whose one event is the
 * task.exit (exitAnswered), not a task.state beside it.
 */
function transitioned(controller: ControllerCore, node: NodeRuntime, op: TaskOp, batch: OpBatch, a: BatchAnswers, state: TaskState): void {
  const withExits = a.exitCodes.length > 0;
  let ok = 0;
  for (let i = 0; i < a.positions.length; i++) {
    const t = batch.tasks[a.positions[i]!]!;
    if (t.node !== node.name) continue;
    if (withExits) exitAnswered(controller, t, exitAt(a, i), () => controller.setTaskState(t, state, '', false));
    else controller.setTaskState(t, state);
    // a late answer (its op is over, or the task was sent again since) moves the task on, as a
    // TaskUpdate's would
    if (t.waitBatch !== batch.id) continue;
    t.waitBatch = 0;
    ok++;
  }
  op.answeredOk(batch, ok);
}

/** the exits of a kill batch's tasks: each as its `exited` update would be (the op counts them there) */
function killed(controller: ControllerCore, node: NodeRuntime, batch: OpBatch, a: BatchAnswers): void {
  for (let i = 0; i < a.positions.length; i++) {
    const t = batch.tasks[a.positions[i]!]!;
    if (t.node !== node.name) continue;
    taskExited(controller, t, exitAt(a, i));
  }
}
