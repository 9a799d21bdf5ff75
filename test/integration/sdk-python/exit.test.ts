// After EXIT the Python SDK replies, then half-closes its call (ends its side, as gRPC clients do)
// before the program leaves, and the program may still work a while. The agent's control server
// cannot tell a half-close from a cancelled call in its hooks, so this test serves
// TaskControl.Control itself with grpc-js, recording the order of what arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as path from 'node:path';
import { TaskControlService, type AgentToTask, type TaskMsg } from '../../../core/rpc/gen/task.js';
import { tmpDir, until } from '../../unit/sdk/control-fixture.js';
import { PYTHON_CONFORMANCE_TASK } from '../../support/python.js';
import { agentEnv, startPython } from './run.js';

test('Python SDK: EXIT is answered, the call half-closed while the program lingers, then it prints leaving and exits 0', async (t) => {
  const seen: string[] = [];
  let call: grpc.ServerDuplexStream<TaskMsg, AgentToTask> | null = null;
  let alive = (): boolean => false;
  const server = new grpc.Server();
  server.addService(TaskControlService, {
    control(c: grpc.ServerDuplexStream<TaskMsg, AgentToTask>) {
      call = c;
      c.on('data', (m: TaskMsg) => {
        seen.push(m.msg?.$case === 'reply' ? `reply ${m.msg.reply.state}` : (m.msg?.$case ?? 'empty'));
        if (m.msg?.$case === 'hello') c.write({ msg: { $case: 'welcome', welcome: {} } });
      });
      c.on('end', () => {
        seen.push(alive() ? 'half-close while the program runs' : 'half-close after the program left');
        c.end();
      });
    },
  });
  const socket = path.join(tmpDir(t, 'baton-py-exit-'), 'task.sock');
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())),
  );
  t.after(() => server.forceShutdown());
  const { p, exited } = startPython(t, [PYTHON_CONFORMANCE_TASK], agentEnv(`unix://${socket}`, 'secret', { CONFORMANCE_LINGER_MS: '1500' }));
  alive = () => p.exitCode === null && p.signalCode === null;
  let output = '';
  p.stdout!.on('data', (d) => (output += d));
  await until(() => seen.length === 1, 'hello');
  call!.write({ msg: { $case: 'transition', transition: { seq: 1, event: 'EXIT', args: {}, deadlineMs: 5000 } } });
  await until(() => seen.length === 3, 'the reply and the end of the call');
  assert.equal(output.includes('conformance: leaving'), false, 'still lingering when its call has ended');
  const r = await exited;
  assert.deepEqual(seen, ['hello', 'reply DONE', 'half-close while the program runs']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.endsWith('conformance: got EXIT\nconformance: leaving\n'), r.stdout);
});
