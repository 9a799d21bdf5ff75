// The context of one environment transition: its single deadline (every sub-step gets what
// remains), the failures seen so far, and compact throttled progress. The environment holds the
// one under way (EnvRuntime.ctx); the steps that do the work are in ../transitions/.
import type { ErrorDetailLike } from '../../model/errors.js';
import type { EnvRuntime } from './env.js';
import type { TaskRuntime } from './task.js';

/** late: the task's agent answered for it that it did not make the deadline (still alive) */
export type FailReason = 'failed' | 'crashed' | 'lost' | 'unanswered' | 'unavailable' | 'launch' | 'late';

export interface Failure {
  task: TaskRuntime;
  reason: FailReason;
  /** what the agent said (message, last lines, exit), if anything */
  detail?: ErrorDetailLike;
}

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

/** The fan-out step under way (a TaskOp, ../transitions/op.ts): an abort ends it at once. */
export interface RunningStep {
  finishNow(why: 'abort'): void;
}

const TICK_MS = 100;
const EVENT_EVERY_TICKS = 5;

export class TransitionCtx {
  readonly startMs = Date.now();
  /** the user who asked for it ('' : the controller's own work, e.g. a restart); BUSY names them */
  startedBy = '';
  aborted = false;
  /** EXIT and destroy: task exits are what we want, not failures */
  expectExits = false;
  /** EXIT: failures are noted but never fatal (what does not exit is killed) */
  tolerant = false;
  readonly fatal: Failure[] = [];
  readonly nonFatal: Failure[] = [];
  /** tasks that had not answered when the deadline passed */
  readonly late: TaskRuntime[] = [];
  private readonly failed = new Set<TaskRuntime>();
  op: RunningStep | null = null;
  phase = '';
  done = 0;
  total = 0;
  private ticker: NodeJS.Timeout | null = null;
  private lastSent = '';
  private ticks = 0;

  constructor(
    readonly env: EnvRuntime,
    readonly transition: string,
    readonly deadlineMs: number,
    private readonly sink: (p: Progress, event: boolean) => void,
  ) {
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  remaining(): number {
    return Math.max(0, this.deadlineMs - Date.now());
  }

  expired(): boolean {
    return Date.now() >= this.deadlineMs;
  }

  /** A task failed: fatal ones (critical, or an iterator below nmin) end the transition at once. */
  fail(f: Failure): void {
    if (this.failed.has(f.task)) return;
    this.failed.add(f.task);
    if (f.reason === 'late') {
      // counted with the tasks our own deadline caught: a TIMEOUT, slow told apart from crashed
      this.late.push(f.task);
      if (!this.tolerant && this.env.isFatal(f.task)) this.abort();
      else if (!this.tolerant) this.env.degraded = true;
      return;
    }
    if (!this.tolerant && this.env.isFatal(f.task)) {
      this.fatal.push(f);
      this.abort();
    } else {
      this.nonFatal.push(f);
      if (!this.tolerant) this.env.degraded = true;
    }
  }

  /** stop the transition's remaining steps: something fatal happened or a fatal task is late */
  shouldStop(): boolean {
    return this.aborted || this.late.some((t) => this.env.isFatal(t));
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.op?.finishNow('abort');
  }

  setPhase(phase: string, total: number): void {
    this.phase = phase;
    this.total = total;
    this.done = 0;
    this.tick(true);
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private tick(force = false): void {
    const key = `${this.phase}|${this.done}|${this.total}`;
    this.ticks++;
    if (key === this.lastSent && !force) return;
    this.lastSent = key;
    this.sink({ phase: this.phase, done: this.done, total: this.total }, force || this.ticks % EVENT_EVERY_TICKS === 0);
  }
}
