// A rehearsal of the transition path, run once when a task starts, on made-up messages and a
// Task with no handlers: nothing is sent and no handler of the task runs.
//
// Why: V8 compiles a function the first time it runs and learns its types over the next few
// runs. A task's first transition (the CONFIGURE after DEPLOY) ran all of the SDK's transition
// path cold: measured on 2 cores, a task's first transition took ~1.8 ms against ~0.85 ms for the
// next ones, so the first CONFIGURE of 100 fresh tasks took 65 ms where later ones took ~25 ms.
// Done at start, while the task waits for the agent's welcome, the same work costs the task's
// start ~0.5 ms and takes that step out of the shifter's first CONFIGURE.
import type { Task } from './task.js';
import { GrpcDeframer } from './grpc-stream.js';
import { grpcFrame } from './h2/outbound.js';
import { decodeAgentToTask, encodeTaskMsg } from './task-messages.js';
import { Writer } from './wire.js';

const ROUNDS = 3;

/** `dryTask`: a Task with no handlers and no link, used for nothing else. */
export async function rehearseTransitions(dryTask: Task): Promise<void> {
  const deframer = new GrpcDeframer();
  let seq = 0;
  for (let i = 0; i < ROUNDS; i++) {
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
}
