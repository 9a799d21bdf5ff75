// Candidate for the Node SDK's transport: node:http2 with the generated codecs (TaskMsg.encode,
// AgentToTask.decode from core/rpc/gen/task.ts, which also loads grpc-js for its service stubs)
// and gRPC's 5-byte message prefix. Same behaviour as grpc-js-task.ts.
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { AgentToTask, TaskMsg } from '../../../core/rpc/gen/task.js';
import { report } from './report.js';

const socketPath = process.env.BATON_CONTROL!.replace(/^unix:\/\//, '');
const session = http2.connect('http://localhost', { createConnection: () => net.connect(socketPath) });
session.on('error', () => {});
const stream = session.request({
  ':method': 'POST',
  ':path': '/baton.v1.TaskControl/Control',
  'content-type': 'application/grpc',
  te: 'trailers',
});

function send(m: TaskMsg): void {
  const body = TaskMsg.encode(m).finish();
  const head = Buffer.allocUnsafe(5);
  head[0] = 0;
  head.writeUInt32BE(body.length, 1);
  stream.write(Buffer.concat([head, body]));
}

let pending: Buffer = Buffer.alloc(0);
let first = true;
stream.on('data', (chunk: Buffer) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
    const len = pending.readUInt32BE(1);
    const m = AgentToTask.decode(pending.subarray(5, 5 + len));
    pending = pending.subarray(5 + len);
    if (m.msg?.$case === 'welcome') report('welcome');
    if (m.msg?.$case !== 'transition') continue;
    const t = m.msg.transition;
    if (first) report('first');
    first = false;
    const exit = t.event === 'EXIT';
    send({ msg: { $case: 'reply', reply: { seq: t.seq, ok: true, state: exit ? 'DONE' : 'CONFIGURED', error: '' } } });
    if (exit) {
      report('exit');
      stream.end();
    }
  }
});
stream.on('error', () => {});
stream.on('close', () => session.close());
send({ msg: { $case: 'hello', hello: { taskId: process.env.BATON_TASK_ID!, token: process.env.BATON_TASK_TOKEN!, pid: process.pid, state: 'STANDBY' } } });
