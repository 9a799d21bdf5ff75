// The task's side of the control socket: dial BATON_CONTROL, say hello, receive transitions, send
// replies, events and counters. When the stream breaks (agent restart) it dials again and says
// hello with the task's current state: that is how a restarted agent re-adopts the task.
import * as grpc from '@grpc/grpc-js';
import { TaskControlClient, type AgentToTask, type TaskMsg, type Transition } from '../rpc/gen/task.js';

export interface LinkOptions {
  address: string;
  taskId: string;
  token: string;
  state: () => string;
  onTransition: (t: Transition) => void;
  /** the agent refused the hello (it does not know this task any more) */
  onRefused: (message: string) => void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

export class ControlLink {
  private readonly client: TaskControlClient;
  private call: grpc.ClientDuplexStream<TaskMsg, AgentToTask> | null = null;
  private retryMs = RETRY_MIN_MS;
  private refusals = 0;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: LinkOptions) {
    this.client = new TaskControlClient(o.address, grpc.credentials.createInsecure());
  }

  get connected(): boolean {
    return this.call !== null;
  }

  open(): void {
    if (this.closed) return;
    const call = this.client.control();
    this.call = call;
    let settled = false;
    const broken = (err?: grpc.ServiceError) => {
      if (settled) return;
      settled = true;
      if (this.call === call) this.call = null;
      if (this.closed) return;
      if (err?.code === grpc.status.UNAUTHENTICATED) {
        if (++this.refusals >= 3) return this.o.onRefused(err.details || err.message);
      }
      this.timer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
    call.on('data', (m: AgentToTask) => {
      this.retryMs = RETRY_MIN_MS;
      this.refusals = 0;
      if (m.msg?.$case === 'transition') this.o.onTransition(m.msg.transition);
    });
    call.on('error', (e: grpc.ServiceError) => broken(e));
    call.on('end', () => broken());
    call.on('close', () => broken());
    call.write({ msg: { $case: 'hello', hello: { taskId: this.o.taskId, token: this.o.token, pid: process.pid, state: this.o.state() } } });
  }

  /** Writes a message if connected; resolves once it was handed to the transport. */
  send(msg: TaskMsg): Promise<boolean> {
    const call = this.call;
    if (!call) return Promise.resolve(false);
    return new Promise((resolve) => {
      try {
        call.write(msg, () => resolve(true));
      } catch {
        resolve(false);
      }
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    try {
      this.call?.end();
    } catch {
      /* gone */
    }
    this.call = null;
    this.client.close();
  }
}
