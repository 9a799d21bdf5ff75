// A rehearsal of the transition path, run once when a task has started and its agent has welcomed
// it, on made-up messages and a Task with no handlers: nothing is sent and no handler of the task
// runs.
//
// Why: V8 compiles a function the first time it runs and learns its types over the next few
// runs. A task's first transition (the CONFIGURE after DEPLOY) ran all of the SDK's transition
// path cold: measured on 2 cores, a task's first transition took ~1.8 ms against ~0.85 ms for the
// next ones. Done once the agent has welcomed the task (runTask), one round of it costs the task
// under a millisecond of cpu and takes ~18 ms off the first CONFIGURE of 100 fresh tasks (55-77 ms
// with it against 71-92 without, 7 environments each, 4 agents; three or twelve rounds did no
// better).
import type { Task } from './task.js';
import { GrpcDeframer } from './grpc-stream.js';
import { grpcFrame } from './h2/outbound.js';
import { decodeAgentToTask, encodeTaskMsg } from './task-messages.js';
import { Writer } from './wire.js';

/** `dryTask`: a Task with no handlers and no link, used for nothing else. */
export async function rehearseTransitions(dryTask: Task): Promise<void> {
  const deframer = new GrpcDeframer();
  let seq = 0;
  for (const event of ['CONFIGURE', 'START', 'STOP', 'RESET']) {
    const transition = new Writer().uint(1, ++seq).string(2, event).stringMap(3, { rehearsal: 'yes', run_number: '1' }).uint(4, 1000);
    const wire = grpcFrame(new Writer().message(1, transition).finish());
    for (const buf of deframer.push(wire)) {
      const m = decodeAgentToTask(buf);
      if (m.msg?.$case !== 'transition') continue;
      const reply = await dryTask.apply(m.msg.transition);
      grpcFrame(encodeTaskMsg({ msg: { $case: 'reply', reply } }));
    }
  }
}
