// The Node SDK's transport as shipped: its ControlCall (sdk/node/control-call.ts: node:http2 and
// the codecs generated without the grpc-js service, sdk/node/gen). Same behaviour as grpc-js-task.ts.
import { ControlCall } from '../../../sdk/node/control-call.js';
import { report } from './report.js';

let first = true;
const call: ControlCall = new ControlCall(process.env.BATON_CONTROL!, {
  onMessage: (m) => {
    if (m.msg?.$case === 'welcome') return report('welcome');
    if (m.msg?.$case !== 'transition') return;
    const t = m.msg.transition;
    if (first) report('first');
    first = false;
    const exit = t.event === 'EXIT';
    call.write({ msg: { $case: 'reply', reply: { seq: t.seq, ok: true, state: exit ? 'DONE' : 'CONFIGURED', error: '' } } });
    if (exit) {
      report('exit');
      void call.end();
    }
  },
  onEnd: () => {},
});
call.write({
  msg: { $case: 'hello', hello: { taskId: process.env.BATON_TASK_ID!, token: process.env.BATON_TASK_TOKEN!, pid: process.pid, state: 'STANDBY' } },
});
