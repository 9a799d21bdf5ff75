// The agent's task control server, seen by a task written with another gRPC library (grpc-js and
// the generated codec here): an accepted hello is answered with a welcome before any transition;
// a refused one gets UNAUTHENTICATED and nothing else.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { TaskConn } from '../../../core/agent/process/control-server.js';
import { TaskControlClient, type AgentToTask } from '../../../core/rpc/gen/task.js';
import { controlServer } from '../sdk/control-fixture.js';

async function serve(t: TestContext, onHello: (c: TaskConn) => void) {
  const { server } = await controlServer(t, { authorize: (id, token) => id === 'task-1' && token === 'secret', onHello });
  const client = new TaskControlClient(server.address, grpc.credentials.createInsecure());
  t.after(() => client.close());
  return client;
}

test('an accepted hello is answered with a welcome, before the first transition', async (t) => {
  const client = await serve(t, (c) => c.send({ seq: 1, event: 'CONFIGURE', args: {}, deadlineMs: 1000 }));
  const call = client.control();
  const got: AgentToTask[] = [];
  const two = new Promise<void>((resolve, reject) => {
    call.on('data', (m: AgentToTask) => {
      if (got.push(m) === 2) resolve();
    });
    call.on('error', reject);
  });
  call.write({ msg: { $case: 'hello', hello: { taskId: 'task-1', token: 'secret', pid: 1, state: 'STANDBY' } } });
  await two;
  call.cancel();
  assert.deepEqual(
    got.map((m) => m.msg?.$case),
    ['welcome', 'transition'],
  );
});

test('a refused hello gets UNAUTHENTICATED and no welcome', async (t) => {
  const client = await serve(t, () => assert.fail('a refused task must not be adopted'));
  const call = client.control();
  const got: AgentToTask[] = [];
  call.on('data', (m: AgentToTask) => got.push(m));
  const err = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
  call.write({ msg: { $case: 'hello', hello: { taskId: 'task-1', token: 'guess', pid: 1, state: 'STANDBY' } } });
  assert.equal((await err).code, grpc.status.UNAUTHENTICATED);
  assert.deepEqual(got, []);
});
