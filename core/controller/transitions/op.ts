// One fan-out step of a transition: a batch per agent (chunked for message size), per-batch
// pending counters and one deadline timer. Tasks carry the id of the batch they owe an answer
// to; nothing is allocated per task (no promise, no timer).
import type { ControllerMsg } from '../../rpc/gen/agent.js';
import type { TaskState } from '../../model/states.js';
import type { EventInput } from '../events/bus.js';
import type { EnvRuntime } from '../model/env.js';
import type { NodeRuntime } from '../nodes.js';
import type { TaskRuntime } from '../model/task.js';
import type { Failure, TransitionCtx } from '../model/transition.js';
import { markInFlight } from './in-flight.js';

export type OpKind = 'launch' | 'transition' | 'kill';

/**
 * What an op needs of the controller (ControllerCore is one). Narrow, so that this file does not
 * import core.ts, which imports this one for its map of open batches.
 */
export interface OpController {
  /** batches awaiting answers (and those of a finished op the agent has not closed yet): batch
   *  id -> its op */
  readonly batches: Map<number, { op: TaskOp; batch: OpBatch }>;
  newBatchId(): number;
  perTaskEvents(env: EnvRuntime): boolean;
  emit(e: EventInput): void;
}

export interface OpBatch {
  id: number;
  node: NodeRuntime;
  tasks: TaskRuntime[];
  open: boolean;
  ok: number;
  answered: number;
}

/** items per agent message: keeps a message far below gRPC's 4 MB default limit on the agent */
export const MAX_BATCH = 2000;
/** tasks whose messages are built between two yields to the event loop (sendAll) */
const YIELD_EVERY = 20_000;

export class TaskOp {
  readonly batches: OpBatch[] = [];
  total = 0;
  done = 0;
  finished = false;
  private resolve: (() => void) | null = null;
  /** sendAll is under way: more tasks are coming, so answering all sent so far is not the end */
  private sending = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly controller: OpController,
    readonly ctx: TransitionCtx,
    readonly kind: OpKind,
    /** the task state a successful answer means (null for kills) */
    readonly target: TaskState | null,
    readonly event: string,
  ) {
    ctx.op = this;
  }

  /**
   * Sends every node's tasks (send, below), yielding to the event loop every YIELD_EVERY tasks:
   * encoding a million tasks' messages is seconds of work, and agents' heartbeats and keepalive
   * pings must be answered meanwhile. Answers that come during a yield are counted, but the op
   * does not finish before the last message is sent. Stops sending when the transition aborts.
   */
  async sendAll(
    groups: Iterable<[NodeRuntime, TaskRuntime[]]>,
    build: (node: NodeRuntime, batchId: number, chunk: TaskRuntime[]) => ControllerMsg,
  ): Promise<void> {
    this.sending = true;
    try {
      let sinceYield = 0;
      for (const [node, tasks] of groups) {
        if (this.finished) return; // aborted (a fatal failure) while sending
        this.send(node, tasks, (batchId, chunk) => build(node, batchId, chunk));
        sinceYield += tasks.length;
        if (sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.ctx.aborted) return;
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Sends one node's tasks, in chunks; `build` makes the message for one chunk. */
  send(node: NodeRuntime, tasks: TaskRuntime[], build: (batchId: number, chunk: TaskRuntime[]) => ControllerMsg): void {
    for (let i = 0; i < tasks.length; i += MAX_BATCH) {
      const chunk = tasks.slice(i, i + MAX_BATCH);
      const batch: OpBatch = { id: this.controller.newBatchId(), node, tasks: chunk, open: true, ok: 0, answered: 0 };
      this.batches.push(batch);
      this.controller.batches.set(batch.id, { op: this, batch });
      this.total += chunk.length;
      for (const t of chunk) t.waitBatch = batch.id;
      const sent = node.up && node.link !== null && node.link.send(build(batch.id, chunk));
      if (!sent) {
        batch.open = false;
        for (const t of chunk) this.answer(t, this.kind === 'kill' ? null : { task: t, reason: 'unavailable' });
      }
    }
  }

  /** A task answered (or failed); `failure` null means it did what was asked. */
  answer(t: TaskRuntime, failure: Failure | null): void {
    const ref = t.waitBatch ? this.controller.batches.get(t.waitBatch) : undefined;
    if (!ref || ref.op !== this) return;
    t.waitBatch = 0;
    this.done++;
    this.ctx.done = this.done;
    const b = ref.batch;
    if (failure) this.ctx.fail(failure);
    else b.ok++;
    if (++b.answered === b.tasks.length) this.summarize(b);
    if (this.done >= this.total && !this.sending) this.finishNow('done');
  }

  /**
   * `n` tasks of the batch did what was asked, counted at once (answers by position,
   * agents/answers.ts: one count per message instead of a lookup and a count per task); the
   * caller has cleared their waitBatch.
   */
  answeredOk(b: OpBatch, n: number): void {
    if (n === 0 || this.finished) return;
    this.done += n;
    this.ctx.done = this.done;
    b.ok += n;
    b.answered += n;
    if (b.answered === b.tasks.length) this.summarize(b);
    if (this.done >= this.total && !this.sending) this.finishNow('done');
  }

  /** large environments: one task.state event per agent batch instead of one per task */
  private summarize(b: OpBatch): void {
    const env = this.ctx.env;
    if (this.controller.perTaskEvents(env) || !this.target) return;
    this.controller.emit({
      kind: 'task.state',
      envId: env.id,
      node: b.node.name,
      state: this.target,
      transition: this.ctx.transition,
      message: `${b.ok} of ${b.tasks.length} task(s) on ${b.node.name} reached ${this.target}`,
      data: { count: String(b.ok), failed: String(b.tasks.length - b.ok), batch: String(b.id), summary: 'true' },
    });
  }

  /** The agent says every item of the batch was answered: the silent ones did not make it. */
  batchDone(batch: OpBatch): void {
    if (!batch.open) return;
    batch.open = false;
    if (this.finished) return void this.controller.batches.delete(batch.id);
    for (const t of batch.tasks) {
      if (t.waitBatch !== batch.id) continue;
      this.answer(t, this.kind === 'kill' ? null : { task: t, reason: 'unanswered' });
    }
  }

  /** The node's session broke: its pending tasks will not answer. */
  nodeDown(node: NodeRuntime): void {
    for (const b of this.batches) {
      if (b.node !== node || !b.open) continue;
      b.open = false;
      if (this.finished) {
        this.controller.batches.delete(b.id);
        continue;
      }
      for (const t of b.tasks) {
        if (t.waitBatch === b.id) this.answer(t, this.kind === 'kill' ? null : { task: t, reason: 'lost' });
      }
    }
  }

  /** Resolves when every task answered, the transition aborted, or its deadline passed. */
  wait(capMs?: number): Promise<void> {
    if (this.finished) return Promise.resolve();
    if (this.done >= this.total) {
      this.finishNow('done');
      return Promise.resolve();
    }
    if (this.ctx.aborted) {
      this.finishNow('abort');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.finishNow('timeout'), Math.min(this.ctx.remaining(), capMs ?? Infinity));
    });
  }

  finishNow(why: 'done' | 'abort' | 'timeout'): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const b of this.batches) {
      // a batch the agent has not closed yet (BatchDone) stays known until it does, or until its
      // node goes down: its late answers by position still name their tasks through it
      if (!b.open) this.controller.batches.delete(b.id);
      for (const t of b.tasks) {
        if (t.waitBatch !== b.id) continue;
        t.waitBatch = 0;
        if (why === 'timeout' && this.kind !== 'kill') this.ctx.late.push(t);
        // an abort stops waiting, not the task: its answer still comes and moves it on
        if (why === 'abort' && this.kind === 'transition') markInFlight(t);
      }
    }
    if (this.ctx.op === this) this.ctx.op = null;
    const r = this.resolve;
    this.resolve = null;
    r?.();
  }

  /** tasks that did what was asked */
  okCount(): number {
    let n = 0;
    for (const b of this.batches) n += b.ok;
    return n;
  }
}
