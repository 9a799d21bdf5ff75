// Candidate for the Node SDK's transport: @grpc/grpc-js, the generated TaskControlClient and
// codecs (core/rpc/gen/task.ts). Says hello, reports at the welcome, answers every transition
// with an ok reply, and after EXIT half-closes and leaves. Run by sdk-transport.ts.
import * as grpc from '@grpc/grpc-js';
import { TaskControlClient, type AgentToTask } from '../../../core/rpc/gen/task.js';
import { report } from './report.js';

const client = new TaskControlClient(process.env.BATON_CONTROL!, grpc.credentials.createInsecure());
const call = client.control();
let first = true;
call.on('data', (m: AgentToTask) => {
  if (m.msg?.$case === 'welcome') return report('welcome');
  if (m.msg?.$case !== 'transition') return;
  const t = m.msg.transition;
  if (first) report('first');
  first = false;
  const exit = t.event === 'EXIT';
  call.write({ msg: { $case: 'reply', reply: { seq: t.seq, ok: true, state: exit ? 'DONE' : 'CONFIGURED', error: '' } } });
  if (exit) {
    report('exit');
    call.end();
  }
});
call.on('error', () => {});
call.on('status', () => client.close());
call.write({
  msg: { $case: 'hello', hello: { taskId: process.env.BATON_TASK_ID!, token: process.env.BATON_TASK_TOKEN!, pid: process.pid, state: 'STANDBY' } },
});
