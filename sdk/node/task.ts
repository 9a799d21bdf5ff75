// runTask: a controlled task in a few lines. The handlers run one transition at a time; a handler
// that throws answers ok=false with state ERROR and the error text. Channels named in the
// CONFIGURE arguments (chan.<name>.bind / .connect / .type) are opened before configure() and
// closed after reset() and exit(). After the reply to EXIT the task half-closes its control call
// and leaves: `task.left` resolves with the exit code, and unless `exitProcess: false` the SDK
// then ends the process with it.
import { isTaskEvent, TASK_TRANSITION_TABLE, type TaskEvent, type TaskState } from '../../core/model/states.js';
import { ORPHAN_GRACE_ENV, orphanGraceFrom } from '../../core/model/orphan-grace.js';
import { parseAddress } from '../../core/rpc/address.js';
import { Channel } from './channels.js';
import { ControlLink } from './control.js';
import type { Transition, TransitionReply } from './gen/task.js';

export type Args = Record<string, string>;
type Handler = (args: Args, task: Task) => unknown | Promise<unknown>;

export interface TaskHandlers {
  configure?: Handler;
  start?: Handler;
  stop?: Handler;
  reset?: Handler;
  exit?: Handler;
}

export interface RunOptions {
  /** open and close channels from the CONFIGURE arguments (default true) */
  autoChannels?: boolean;
  /** where BATON_CONTROL, BATON_TASK_ID, ... are read (default process.env) */
  env?: NodeJS.ProcessEnv;
  /**
   * end the process once the task has left (after EXIT, three refusals, no agent before its first
   * welcome, or the orphan grace), with
   * `task.left`'s code (default true). false: the SDK only resolves `task.left`; the program does
   * its last work (within the class's kill.control_exit grace) and exits itself.
   */
  exitProcess?: boolean;
}

const HANDLER_FOR: Record<TaskEvent, keyof TaskHandlers> = {
  CONFIGURE: 'configure',
  START: 'start',
  STOP: 'stop',
  RESET: 'reset',
  EXIT: 'exit',
};

export class Task {
  state: TaskState = 'STANDBY';
  readonly channels = new Map<string, Channel>();
  /** the last CONFIGURE arguments */
  config: Args = {};
  runNumber = 0;
  /** resolves with the exit code once the task has left its agent: 0 after an ok EXIT, else 1 */
  readonly left: Promise<number>;
  private resolveLeft!: (code: number) => void;
  private leaving = false;
  private link: ControlLink | null = null;
  private queue: Promise<void> = Promise.resolve();
  private counterTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly envId: string,
    readonly node: string,
    private readonly handlers: TaskHandlers,
    private readonly opts: RunOptions,
  ) {
    this.left = new Promise((resolve) => (this.resolveLeft = resolve));
  }

  attach(link: ControlLink): void {
    this.link = link;
    this.counterTimer = setInterval(() => this.sendCounters(), 1000);
  }

  /** A task event for the controller (END_OF_STREAM, INTERNAL_ERROR or your own kind). */
  event(kind: string, message = '', data: Record<string, string> = {}): void {
    void this.link?.send({ msg: { $case: 'event', event: { kind, message, data } } });
  }

  /**
   * A spontaneous error (the readout lost its detector): the task goes to ERROR and tells its
   * agent (an INTERNAL_ERROR event), which reports the state change at once. From ERROR only EXIT
   * is accepted; the environment's RECOVER replaces the process.
   */
  error(reason: string): void {
    if (this.state === 'ERROR' || this.state === 'DONE') return;
    this.state = 'ERROR';
    console.error(`${this.name}: ${reason}`);
    this.event('INTERNAL_ERROR', reason);
  }

  channel(name: string): Channel {
    const c = this.channels.get(name);
    if (!c) throw new Error(`no channel ${name}: CONFIGURE did not name it (chan.${name}.bind or chan.${name}.connect)`);
    return c;
  }

  hasChannel(name: string): boolean {
    return this.channels.has(name);
  }

  async bind(name: string, address: string, type = 'push'): Promise<Channel> {
    const c = this.channels.get(name) ?? new Channel(name, type);
    this.channels.set(name, c);
    await c.bind(address);
    return c;
  }

  connect(name: string, addresses: string[], type = 'pull'): Channel {
    const c = this.channels.get(name) ?? new Channel(name, type);
    this.channels.set(name, c);
    c.connect(addresses);
    return c;
  }

  closeChannels(): void {
    for (const c of this.channels.values()) c.close();
    this.channels.clear();
  }

  private async openChannels(args: Args): Promise<void> {
    const names = new Set<string>();
    for (const k of Object.keys(args)) {
      if (!k.startsWith('chan.')) continue; // most arguments are properties: no regex for them
      const m = /^chan\.(.+)\.(bind|connect)$/.exec(k);
      if (m) names.add(m[1]!);
    }
    for (const n of names) {
      const type = args[`chan.${n}.type`] || (args[`chan.${n}.bind`] ? 'push' : 'pull');
      if (args[`chan.${n}.bind`]) await this.bind(n, args[`chan.${n}.bind`]!, type);
      if (args[`chan.${n}.connect`]) this.connect(n, args[`chan.${n}.connect`]!.split(','), type);
    }
  }

  private sendCounters(): void {
    if (!this.channels.size || !this.link?.connected) return;
    void this.link.send({ msg: { $case: 'counters', counters: { channels: [...this.channels.values()].map((c) => c.counter()) } } });
  }

  /** Transitions run one at a time, in the order they came. */
  enqueue(t: Transition): void {
    this.queue = this.queue.then(async () => {
      const r = await this.apply(t);
      await this.link?.send({ msg: { $case: 'reply', reply: r } });
      if (t.event === 'EXIT') await this.leave(r.ok ? 0 : 1);
    });
  }

  async apply(t: Transition): Promise<TransitionReply> {
    const ev = t.event;
    if (!isTaskEvent(ev)) return { seq: t.seq, ok: false, state: this.state, error: `unknown event ${ev}` };
    const rule = TASK_TRANSITION_TABLE[ev];
    if (!rule.from.includes(this.state)) {
      return { seq: t.seq, ok: false, state: this.state, error: `${ev} is not allowed from ${this.state}` };
    }
    try {
      if (ev === 'CONFIGURE') {
        this.config = { ...t.args };
        if (this.opts.autoChannels !== false) await this.openChannels(t.args);
      }
      if (ev === 'START') this.runNumber = Number(t.args.run_number ?? 0) || 0;
      await this.handlers[HANDLER_FOR[ev]]?.(t.args, this);
      if ((ev === 'RESET' || ev === 'EXIT') && this.opts.autoChannels !== false) this.closeChannels();
      this.state = rule.to;
      return { seq: t.seq, ok: true, state: this.state, error: '' };
    } catch (e) {
      this.state = 'ERROR';
      const msg = e instanceof Error ? e.message : String(e);
      console.error(`${this.name}: ${ev} failed: ${msg}`);
      return { seq: t.seq, ok: false, state: 'ERROR', error: msg };
    }
  }

  /**
   * Closes the channels, half-closes the control call (no re-dial after it), resolves `left` with
   * `code` once the agent has finished the call, then ends the process unless `exitProcess: false`.
   */
  async leave(code: number): Promise<void> {
    if (this.leaving) return;
    this.leaving = true;
    if (this.counterTimer) clearInterval(this.counterTimer);
    this.closeChannels();
    await this.link?.close();
    this.resolveLeft(code);
    if (this.opts.exitProcess !== false) process.exit(code);
  }
}

/**
 * Runs this process as a Baton controlled task. Reads BATON_CONTROL, BATON_TASK_ID and
 * BATON_TASK_TOKEN (set by the agent); without them, or with a BATON_CONTROL that is no address,
 * it says so and exits with code 2.
 */
export function runTask(handlers: TaskHandlers, opts: RunOptions = {}): Task {
  const env = opts.env ?? process.env;
  const missing = ['BATON_CONTROL', 'BATON_TASK_ID', 'BATON_TASK_TOKEN'].filter((k) => !env[k]);
  if (missing.length) {
    process.stderr.write(
      `this program is a Baton controlled task and runs under a baton agent: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set\n`,
    );
    process.exit(2);
  }
  try {
    parseAddress(env.BATON_CONTROL!, 'BATON_CONTROL');
  } catch (e) {
    process.stderr.write(`this program is a Baton controlled task and cannot reach its agent: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const task = new Task(env.BATON_TASK_ID!, env.BATON_TASK_NAME || env.BATON_TASK_ID!, env.BATON_ENV_ID ?? '', env.BATON_NODE ?? '', handlers, opts);
  const grace = orphanGraceFrom(env[ORPHAN_GRACE_ENV]);
  const link = new ControlLink({
    address: env.BATON_CONTROL!,
    taskId: task.id,
    token: env.BATON_TASK_TOKEN!,
    state: () => task.state,
    onTransition: (t) => task.enqueue(t),
    onRefused: (why) => {
      console.error(`${task.name}: the agent refused this task (${why}); leaving`);
      void task.leave(1);
    },
    onNeverWelcomed: (why) => {
      console.error(`${task.name}: no agent ever welcomed this task (${why}); its agent is gone before the task said hello, and no one else knows it: leaving`);
      void task.leave(1);
    },
    orphanGraceMs: grace,
    onOrphaned: (lostMs) => {
      console.error(
        `${task.name}: no agent at ${env.BATON_CONTROL} for ${(lostMs / 1000).toFixed(1)} s (${ORPHAN_GRACE_ENV} ${grace}); leaving rather than running on as an orphan`,
      );
      void task.leave(1);
    },
  });
  task.attach(link);
  link.open();
  return task;
}
