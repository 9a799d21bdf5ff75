// Plain answers by position (agent.proto BatchAnswers): "the items at these positions of batch B
// did what was asked and are now in state S". The batch is the one this controller sent the agent
// (TaskOp.send keeps its tasks in the order sent), so a task is found by an index, not by a
// lookup of its id among all tasks; the op counts the batch's answers once per message, not once
// per task. Anything else an agent says comes as TaskUpdates (updates.ts).
import type { BatchAnswers } from '../../rpc/gen/agent.js';
import type { TaskState } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { NodeRuntime } from '../nodes.js';
import type { OpBatch, TaskOp } from '../transitions/op.js';
import { answerLaunch, isTaskState, markLaunched } from './updates.js';

/** why these answers cannot be applied (null: they can): a bad message changes nothing */
function refusal(controller: ControllerCore, node: NodeRuntime, a: BatchAnswers): string | null {
  const ref = controller.batches.get(a.batchId);
  if (!ref || ref.batch.node !== node) return `batch ${a.batchId} is not a batch open on this node`;
  if (ref.op.kind === 'kill') return `batch ${a.batchId} is a kill, whose answers are exits`;
  if (!isTaskState(a.state)) return `unknown task state ${JSON.stringify(a.state)}`;
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
  else transitioned(controller, node, op, batch, a.positions, state);
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

function transitioned(controller: ControllerCore, node: NodeRuntime, op: TaskOp, batch: OpBatch, positions: readonly number[], state: TaskState): void {
  let ok = 0;
  for (const p of positions) {
    const t = batch.tasks[p]!;
    if (t.node !== node.name) continue;
    controller.setTaskState(t, state);
    // a late answer (its op is over, or the task was sent again since) moves the task on, as a
    // TaskUpdate's would
    if (t.waitBatch !== batch.id) continue;
    t.waitBatch = 0;
    ok++;
  }
  op.answeredOk(batch, ok);
}
