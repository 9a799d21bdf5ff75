// The task's side of the control socket: dial BATON_CONTROL, say hello, receive transitions, send
// replies, events and counters. When the stream breaks (agent restart) it dials again and says
// hello with the task's current state: that is how a restarted agent re-adopts the task. A task
// that has not reached an agent for `orphanGraceMs` (the agent died and none came back) gives up,
// so that it does not run on as an orphan nobody controls.
import type { TaskMsg, Transition } from '../../core/rpc/gen/task.js';
import { GRPC_STATUS, GrpcDuplex } from './grpc-stream.js';
import { decodeAgentToTask, encodeTaskMsg } from './task-messages.js';

export interface LinkOptions {
  address: string;
  taskId: string;
  token: string;
  state: () => string;
  onTransition: (t: Transition) => void;
  /** the agent accepted the hello (it sends its welcome first); on every (re)connection */
  onWelcome?: () => void;
  /** the agent refused the hello (it does not know this task any more) */
  onRefused: (message: string) => void;
  /** no agent welcomed this task for this long (ms; 0 = wait forever) */
  orphanGraceMs: number;
  /** the grace ran out: `lostMs` since the last agent let go of this task (or since it started) */
  onOrphaned: (lostMs: number) => void;
}

const METHOD = '/baton.v1.TaskControl/Control';
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

export class ControlLink {
  private call: GrpcDuplex | null = null;
  private retryMs = RETRY_MIN_MS;
  private refusals = 0;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  /** when the task last lost its agent (or started), null while an agent has it: the orphan grace
   *  counts from here, on the monotonic clock (a wall-clock step must not end a task early) */
  private lostAt: number | null = performance.now();

  constructor(private readonly o: LinkOptions) {}

  get connected(): boolean {
    return this.call !== null;
  }

  open(): void {
    if (this.closed) return;
    const call: GrpcDuplex = new GrpcDuplex(this.o.address, METHOD, {
      onMessage: (buf) => {
        // any message (an agent sends its welcome first) means the hello was accepted
        this.retryMs = RETRY_MIN_MS;
        this.refusals = 0;
        this.lostAt = null;
        const m = decodeAgentToTask(buf);
        if (m.msg?.$case === 'transition') this.o.onTransition(m.msg.transition);
        else if (m.msg?.$case === 'welcome') this.o.onWelcome?.();
      },
      onEnd: (code, message) => {
        if (this.call === call) this.call = null;
        if (this.closed) return;
        if (code === GRPC_STATUS.UNAUTHENTICATED && ++this.refusals >= 3) return this.o.onRefused(message);
        this.lostAt ??= performance.now();
        const lostMs = performance.now() - this.lostAt;
        if (this.o.orphanGraceMs > 0 && lostMs >= this.o.orphanGraceMs) return this.o.onOrphaned(lostMs);
        this.timer = setTimeout(() => this.open(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      },
    });
    this.call = call;
    call.write(encodeTaskMsg({ msg: { $case: 'hello', hello: { taskId: this.o.taskId, token: this.o.token, pid: process.pid, state: this.o.state() } } }));
  }

  /** Writes a message if connected; resolves once it was handed to the transport. */
  send(msg: TaskMsg): Promise<boolean> {
    const call = this.call;
    if (!call) return Promise.resolve(false);
    return new Promise((resolve) => call.write(encodeTaskMsg(msg), resolve));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.call?.end();
    this.call = null;
  }
}
