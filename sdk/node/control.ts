// The task's side of the control socket: dial BATON_CONTROL, say hello, receive transitions, send
// replies, events and counters. When the stream breaks (agent restart) it dials again (100 ms,
// doubling to 2 s) and says hello with the task's current state: that is how a restarted agent
// re-adopts the task. Three refusals in a row (the agent does not know the task, or its token)
// end it. A task that has reached no agent for `orphanGraceMs` (its agent died and none came
// back) gives up, so that it does not run on as an orphan nobody controls. A task that no agent
// has ever welcomed gives up sooner, after three calls in a row that end without a welcome
// (refused, or no agent to dial), unless its orphan grace is 0 (wait for an agent for good): its
// agent listened before it spawned the task, so a dial that fails means that agent died between
// the spawn and the hello. Such a launch was never reported (an agent reports a controlled task
// once it said hello), the controller has counted it failed, and waiting out the orphan grace
// left a process nobody knew of (found by the chaos suite).
import { ControlCall, GRPC_STATUS } from './control-call.js';
import type { TaskMsg, Transition } from './gen/task.js';

export interface LinkOptions {
  address: string;
  taskId: string;
  token: string;
  state: () => string;
  onTransition: (transition: Transition) => void;
  /** the agent refused the hello three times in a row (it does not know this task any more) */
  onRefused: (message: string) => void;
  /** no agent welcomed this task for this long (ms; 0 = wait forever) */
  orphanGraceMs: number;
  /** the grace ran out: `lostMs` since the last agent let go of this task (or since it started) */
  onOrphaned: (lostMs: number) => void;
  /** no agent ever welcomed this task: three calls in a row ended without a welcome */
  onNeverWelcomed: (message: string) => void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;
const REFUSALS_TO_LEAVE = 3;
/** before its first welcome: calls in a row that end without one, after which the task leaves */
const UNWELCOMED_TO_LEAVE = 3;

export class ControlLink {
  private call: ControlCall | null = null;
  private retryMs = RETRY_MIN_MS;
  private refusals = 0;
  /** calls that ended without a welcome before the first one (0 once an agent welcomed the task) */
  private unwelcomed = 0;
  private welcomedOnce = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  /** when the task last lost its agent (or started), null while an agent has it: the orphan grace
   *  counts from here, on the monotonic clock (a wall-clock step must not end a task early) */
  private lostAt: number | null = performance.now();

  constructor(private readonly options: LinkOptions) {}

  get connected(): boolean {
    return this.call !== null;
  }

  open(): void {
    if (this.closed) return;
    const call: ControlCall = new ControlCall(this.options.address, {
      onMessage: (message) => {
        // any message (an agent sends its welcome first) means the hello was accepted
        this.retryMs = RETRY_MIN_MS;
        this.refusals = 0;
        this.welcomedOnce = true;
        this.lostAt = null;
        if (message.msg?.$case === 'transition') this.options.onTransition(message.msg.transition);
      },
      onEnd: (code, message) => {
        if (this.call === call) this.call = null;
        if (this.closed) return;
        if (code === GRPC_STATUS.UNAUTHENTICATED) {
          if (++this.refusals >= REFUSALS_TO_LEAVE) return this.options.onRefused(message);
        } else {
          this.refusals = 0;
        }
        if (!this.welcomedOnce && this.options.orphanGraceMs > 0 && ++this.unwelcomed >= UNWELCOMED_TO_LEAVE) {
          return this.options.onNeverWelcomed(message || `no agent answered at ${this.options.address}`);
        }
        this.lostAt ??= performance.now();
        const lostMs = performance.now() - this.lostAt;
        if (this.options.orphanGraceMs > 0 && lostMs >= this.options.orphanGraceMs) return this.options.onOrphaned(lostMs);
        this.timer = setTimeout(() => this.open(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      },
    });
    this.call = call;
    const { taskId, token } = this.options;
    call.write({ msg: { $case: 'hello', hello: { taskId, token, pid: process.pid, state: this.options.state() } } });
  }

  /** Writes a message if connected; resolves once it was handed to the connection. */
  send(message: TaskMsg): Promise<boolean> {
    const call = this.call;
    if (!call) return Promise.resolve(false);
    return new Promise((resolve) => call.write(message, resolve));
  }

  /** No more re-dials; half-closes the call. Resolves when the agent has finished it (1 s at most). */
  close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const call = this.call;
    this.call = null;
    return call ? call.end() : Promise.resolve();
  }
}
