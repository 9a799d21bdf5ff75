// A stand-in Control server with canned answers, so that the CLI's own behaviour (output shapes,
// progress, structured failures, exit codes, address and token resolution) is tested without the
// real controller. Real gRPC on a unix socket.
import * as grpc from '@grpc/grpc-js';
import * as path from 'node:path';
import { BatonError } from '../../../core/model/errors.js';
import { checkToken } from '../../../core/rpc/auth.js';
import { detailToProto, toServiceError } from '../../../core/rpc/errors.js';
import { ControlProgress, ControlService, Environment, Event, Info, ListTasksReply, Role, Task } from '../../../core/rpc/gen/control.js';

export const ENV_ID = 'env-fake0001';

function task(name: string, critical: boolean, pid: number): Task {
  return Task.fromPartial({
    id: `${ENV_ID}/${name}`,
    name,
    role: name,
    envId: ENV_ID,
    className: 'demo',
    state: 'CONFIGURED',
    node: name === 'gamma' ? 'agent-2' : 'agent-1',
    pid,
    critical,
    control: 'controlled',
    driver: 'process',
    included: true,
  });
}

export function fakeEnv(): Environment {
  const tasks = [task('alpha', true, 4101), task('beta', true, 4102), task('gamma', false, 4103)];
  return Environment.fromPartial({
    id: ENV_ID,
    name: 'quick',
    workflow: 'quick',
    state: 'CONFIGURED',
    owner: 'tester',
    createdMs: Date.now() - 5000,
    vars: { message: 'hi' },
    tasks,
    counts: { total: 3, byState: { CONFIGURED: 3 }, lost: 0 },
    root: Role.fromPartial({
      path: '',
      name: 'quick',
      kind: 'aggregator',
      state: 'CONFIGURED',
      critical: true,
      included: true,
      children: tasks.map((t) =>
        Role.fromPartial({ path: t.name, name: t.name, kind: 'task', state: t.state, critical: t.critical, included: true, taskId: t.id }),
      ),
    }),
  });
}

export interface Fake {
  address: string;
  token: string;
  calls: { method: string; request: unknown }[];
  stop(): Promise<void>;
}

export async function startFakeController(dir: string, token = 'fake-token'): Promise<Fake> {
  const calls: Fake['calls'] = [];
  const server = new grpc.Server();
  const guard = <Req>(method: string, call: { request: Req; metadata: grpc.Metadata }) => {
    calls.push({ method, request: call.request });
    if (!checkToken(call.metadata, token)) {
      const e = new Error('bad token') as grpc.ServiceError;
      e.code = grpc.status.UNAUTHENTICATED;
      e.details = 'bad or missing token';
      throw e;
    }
  };
  const unary =
    <Req, Res>(method: string, fn: (req: Req) => Res) =>
    (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => {
      try {
        guard(method, call);
        cb(null, fn(call.request));
      } catch (e) {
        cb((e as grpc.ServiceError).code === grpc.status.UNAUTHENTICATED ? (e as grpc.ServiceError) : toServiceError(e));
      }
    };
  const notFound = (id: string) => {
    if (id !== ENV_ID) throw new BatonError('NOT_FOUND', `no environment ${id}`, { envId: id, where: id });
  };
  server.addService(ControlService, {
    getInfo: unary('getInfo', () => Info.fromPartial({ controllerId: 'ctl-fake', lastEventSeq: 3, pid: process.pid })),
    listEnvironments: unary('listEnvironments', () => ({ environments: [fakeEnv()] })),
    getEnvironment: unary('getEnvironment', (r: { id: string }) => {
      notFound(r.id);
      return fakeEnv();
    }),
    createEnvironment: unary('createEnvironment', (r: { workflow: string }) => {
      if (r.workflow === 'broken') throw new BatonError('BAD_TEMPLATE', 'expected a mapping', { where: '/repo/workflows/broken.yaml:3:5' });
      return fakeEnv();
    }),
    controlEnvironment: (call: grpc.ServerWritableStream<{ id: string; transition: string }, ControlProgress>) => {
      try {
        guard('controlEnvironment', call);
        notFound(call.request.id);
      } catch (e) {
        call.emit('error', toServiceError(e));
        return;
      }
      const t = call.request.transition;
      for (let i = 1; i <= 3; i++) call.write(ControlProgress.fromPartial({ phase: 'transition', done: i, total: 3, transition: t }));
      if (t === 'START_ACTIVITY') {
        call.write(ControlProgress.fromPartial({ final: true, ok: true, state: 'RUNNING', runNumber: 42, durationMs: 12, done: 3, total: 3, transition: t }));
      } else {
        call.write(
          ControlProgress.fromPartial({
            final: true,
            ok: false,
            state: 'ERROR',
            transition: t,
            done: 2,
            total: 3,
            error: detailToProto({
              code: 'TASK_FAILED',
              message: `${t} failed: task alpha exited`,
              taskName: 'alpha',
              taskId: `${ENV_ID}/alpha`,
              node: 'agent-1',
              exitCode: 3,
              lastLines: ['configuring', 'cannot open /dev/readout0'],
              transition: t,
            }),
          }),
        );
      }
      call.end();
    },
    listTasks: unary('listTasks', () => ListTasksReply.fromPartial({ tasks: fakeEnv().tasks, total: fakeEnv().tasks.length })),
    killTask: unary('killTask', (r: { id: string }) => {
      const t = fakeEnv().tasks.find((x) => x.id === r.id);
      if (!t) throw new BatonError('NOT_FOUND', `no task ${r.id}`, { where: r.id });
      return t;
    }),
    subscribe: (call: grpc.ServerWritableStream<unknown, { events: Event[] }>) => {
      guard('subscribe', call);
      call.write({ events: [1, 2, 3].map((seq) => Event.fromPartial({ seq, timeMs: Date.now(), kind: 'env.state', envId: ENV_ID, state: 'CONFIGURED' })) });
      // stays open, as the real stream does (follows)
    },
  });
  const sock = path.join(dir, 'fake.sock');
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  return {
    address: `unix://${sock}`,
    token,
    calls,
    stop: () => new Promise<void>((r) => server.tryShutdown(() => r())),
  };
}
