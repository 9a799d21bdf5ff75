// A reply no transition of this agent waits for: the answer to a transition its predecessor sent
// (killed -9 while the task was in its handler). The task re-dialled this agent and said hello
// while still in the handler, with its state before the transition; when the handler ends, this
// reply is the only news that the task moved. It is taken as the task's state, as a re-dial hello
// is, so the controller does not drive the task from a state it left (found by the chaos suite:
// an agent killed inside RESET, then RECOVER sent RESET again to a task already in STANDBY).
import type { TransitionReply } from '../../rpc/gen/task.js';
import { TASK_STATES, type TaskState } from '../../model/states.js';

const LIVE: ReadonlySet<string> = new Set(['STANDBY', 'CONFIGURED', 'RUNNING']);

/** the state a late reply moves the task to, or null when it says nothing new */
export function lateReplyState(current: TaskState, reply: TransitionReply): TaskState | null {
  if (!reply.ok || !(TASK_STATES as readonly string[]).includes(reply.state)) return null;
  // an ERROR or DONE task stays as it is: a late success does not revive it
  if (!LIVE.has(current) || !LIVE.has(reply.state) || reply.state === current) return null;
  return reply.state as TaskState;
}
