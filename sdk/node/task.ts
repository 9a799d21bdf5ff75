// runTask: a controlled task in a few lines. The handlers run one transition at a time; a handler
// that throws answers ok=false with state ERROR and the error text. Channels named in the
// CONFIGURE arguments (chan.<name>.bind / .connect / .type) are opened before configure() and
// closed after reset() and exit().
import { isTaskEvent, TASK_TRANSITION_TABLE, type TaskEvent, type TaskState } from '../../core/model/states.js';
import { ORPHAN_GRACE_ENV, orphanGraceFrom } from '../../core/model/orphan-grace.js';
import type { Transition, TransitionReply } from '../../core/rpc/gen/task.js';
import { Channel } from './channels.js';
import { ControlLink } from './control.js';
import { rehearseTransitions } from './rehearsal.js';
import { jitterYoungGeneration } from './gc-jitter.js';
import { jitterNodeHelpers, jitterTierUp } from './tier-jitter.js';

export type Args = Record<string, string>;
type Handler = (args: Args, task: Task) => unknown | Promise<unknown>;

export interface TaskHandlers {
  configure?: Handler;
  start?: Handler;
  stop?: Handler;
  reset?: Handler;
  exit?: Handler;
  recover?: Handler;
}

export interface RunOptions {
  /** open and close channels from the CONFIGURE arguments (default true) */
  autoChannels?: boolean;
  env?: NodeJS.ProcessEnv;
  /** start this process at a random point of its young-generation GC cycle (default true; see gc-jitter.ts) */
  gcJitter?: boolean;
  /** give this process its own V8 optimization threshold (default true; see tier-jitter.ts) */
  tierUpJitter?: boolean;
  /** run the transition path once on made-up messages once the agent has welcomed the task (default true; see rehearsal.ts) */
  rehearse?: boolean;
}

const HANDLER_FOR: Record<TaskEvent, keyof TaskHandlers> = {
  CONFIGURE: 'configure', START: 'start', STOP: 'stop', RESET: 'reset', EXIT: 'exit', RECOVER: 'recover',
};

export class Task {
  state: TaskState = 'STANDBY';
  readonly channels = new Map<string, Channel>();
  /** the last CONFIGURE arguments */
  config: Args = {};
  runNumber = 0;
  private link: ControlLink | null = null;
  private queue: Promise<void> = Promise.resolve();
  private counterTimer: NodeJS.Timeout | null = null;

  constructor(readonly id: string, readonly name: string, readonly envId: string, readonly node: string,
    private readonly handlers: TaskHandlers, private readonly opts: RunOptions) {}

  attach(link: ControlLink): void {
    this.link = link;
    this.counterTimer = setInterval(() => this.sendCounters(), 1000);
  }

  /** A task event for the controller (END_OF_STREAM, INTERNAL_ERROR or your own kind). */
  event(kind: string, message = '', data: Record<string, string> = {}): void {
    void this.link?.send({ msg: { $case: 'event', event: { kind, message, data } } });
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
      if (t.event === 'EXIT') this.leave(r.ok ? 0 : 1);
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

  /** After EXIT: close everything and leave. */
  leave(code: number): void {
    if (this.counterTimer) clearInterval(this.counterTimer);
    this.closeChannels();
    this.link?.close();
    // exitCode too: once the link is closed nothing may hold the loop, and the unref'd timer
    // alone would let the process end with 0
    process.exitCode = code;
    setTimeout(() => process.exit(code), 20).unref();
  }
}

/**
 * Runs this process as a Baton controlled task. Reads BATON_CONTROL, BATON_TASK_ID and
 * BATON_TASK_TOKEN (set by the agent); without them it says so and exits with code 2.
 */
export function runTask(handlers: TaskHandlers, opts: RunOptions = {}): Task {
  const env = opts.env ?? process.env;
  const missing = ['BATON_CONTROL', 'BATON_TASK_ID', 'BATON_TASK_TOKEN'].filter((k) => !env[k]);
  if (missing.length) {
    process.stderr.write(`this program is a Baton controlled task and runs under a baton agent: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set\n`);
    process.exit(2);
  }
  // first: the budget applies to functions that run after it is set
  if (opts.tierUpJitter !== false) jitterTierUp();
  const task = new Task(env.BATON_TASK_ID!, env.BATON_TASK_NAME || env.BATON_TASK_ID!, env.BATON_ENV_ID ?? '', env.BATON_NODE ?? '', handlers, opts);
  const grace = orphanGraceFrom(env[ORPHAN_GRACE_ENV]);
  let welcomed = false;
  const link = new ControlLink({
    address: env.BATON_CONTROL!,
    taskId: task.id,
    token: env.BATON_TASK_TOKEN!,
    state: () => task.state,
    onTransition: (t) => task.enqueue(t),
    // Once welcomed, not before: until the agent has the hello, this task holds one of the few
    // launch slots its agent's DEPLOY goes through, and work done then would hold up the tasks
    // behind it. A transition that came with the welcome goes first.
    onWelcome: () => {
      if (welcomed) return;
      welcomed = true;
      setImmediate(() => {
        if (opts.tierUpJitter !== false) jitterNodeHelpers();
        if (opts.rehearse !== false) void rehearseTransitions(new Task('rehearsal', 'rehearsal', '', '', {}, { autoChannels: false }));
      });
    },
    onRefused: (why) => {
      console.error(`${task.name}: the agent refused this task (${why}); leaving`);
      task.leave(1);
    },
    orphanGraceMs: grace,
    onOrphaned: (lostMs) => {
      console.error(`${task.name}: no agent at ${env.BATON_CONTROL} for ${(lostMs / 1000).toFixed(1)} s (${ORPHAN_GRACE_ENV} ${grace}); leaving rather than running on as an orphan`);
      task.leave(1);
    },
  });
  task.attach(link);
  link.open();
  // after open(): the hello is queued and the connection is being made while this runs
  if (opts.gcJitter !== false) jitterYoungGeneration();
  return task;
}
