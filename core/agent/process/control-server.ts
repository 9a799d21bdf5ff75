// The agent's task control socket (task.proto TaskControl on unix://<agent dir>/task.sock).
// A controlled task dials in and says hello with its task id and token; after that the agent
// sends it transitions and it answers, sends events and counters.
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import {
  TaskControlService,
  type AgentToTask,
  type TaskCounters,
  type TaskEvent,
  type TaskHello,
  type TaskMsg,
  type Transition,
  type TransitionReply,
} from '../../rpc/gen/task.js';
import { BatonError } from '../../model/errors.js';
import { toServiceError } from '../../rpc/errors.js';

export interface ControlHooks {
  /** true when taskId is a task of this agent and token is its token */
  authorize(taskId: string, token: string): boolean;
  onHello(taskId: string, conn: TaskConn, hello: TaskHello): void;
  onClose(taskId: string, conn: TaskConn): void;
  onReply(taskId: string, reply: TransitionReply): void;
  onEvent(taskId: string, event: TaskEvent): void;
  onCounters(taskId: string, counters: TaskCounters): void;
}

export class TaskConn {
  closed = false;
  constructor(private readonly call: grpc.ServerDuplexStream<TaskMsg, AgentToTask>) {}

  send(t: Transition): boolean {
    return this.write({ msg: { $case: 'transition', transition: t } });
  }

  /** the hello was accepted (see task.proto TaskWelcome: it also warms the task's receive path) */
  welcome(): boolean {
    return this.write({ msg: { $case: 'welcome', welcome: {} } });
  }

  private write(m: AgentToTask): boolean {
    if (this.closed) return false;
    try {
      this.call.write(m);
      return true;
    } catch {
      return false;
    }
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call.end();
    } catch {
      /* already gone */
    }
  }
}

export interface ControlServer {
  address: string;
  stop(): Promise<void>;
}

export const MAX_UNIX_PATH = 107;

export async function startControlServer(socketPath: string, hooks: ControlHooks): Promise<ControlServer> {
  if (Buffer.byteLength(socketPath) > MAX_UNIX_PATH) {
    throw new BatonError('BAD_INPUT', `task control socket path ${socketPath} is longer than ${MAX_UNIX_PATH} bytes: use a shorter agent home`, {
      where: 'home',
    });
  }
  try {
    fs.unlinkSync(socketPath); // a stale socket from an agent that died
  } catch {
    /* none */
  }
  const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1 });
  server.addService(TaskControlService, {
    control(call: grpc.ServerDuplexStream<TaskMsg, AgentToTask>) {
      let taskId: string | null = null;
      const conn = new TaskConn(call);
      const close = () => {
        if (conn.closed && taskId === null) return;
        conn.closed = true;
        if (taskId !== null) hooks.onClose(taskId, conn);
        taskId = null;
      };
      call.on('data', (m: TaskMsg) => {
        try {
          const msg = m.msg;
          if (!msg) return;
          if (taskId === null) {
            if (msg.$case !== 'hello') {
              call.emit('error', toServiceError(new BatonError('BAD_INPUT', 'a task must say hello first')));
              return;
            }
            const h = msg.hello;
            if (!hooks.authorize(h.taskId, h.token)) {
              call.emit('error', toServiceError(new BatonError('UNAUTHENTICATED', `task ${h.taskId}: unknown task or wrong token`, { taskId: h.taskId })));
              conn.closed = true;
              return;
            }
            taskId = h.taskId;
            conn.welcome(); // before onHello, which may send a transition at once
            hooks.onHello(taskId, conn, h);
            return;
          }
          if (msg.$case === 'reply') hooks.onReply(taskId, msg.reply);
          else if (msg.$case === 'event') hooks.onEvent(taskId, msg.event);
          else if (msg.$case === 'counters') hooks.onCounters(taskId, msg.counters);
        } catch {
          // a bad message from one task must not take the agent down
        }
      });
      call.on('end', () => {
        close();
        try {
          call.end();
        } catch {
          /* gone */
        }
      });
      call.on('error', close);
      call.on('cancelled', close);
      call.on('close', close);
    },
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return {
    address: `unix://${socketPath}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        try {
          fs.unlinkSync(socketPath);
        } catch {
          /* gone */
        }
        resolve();
      }),
  };
}
