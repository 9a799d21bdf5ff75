// A small pool of worker threads for the workflow layer's heavy calls (lint, expand): a 3 MB
// template or a 100,000-item `for` then holds a worker, not the controller's event loop, whose
// heartbeats and replies go on. A job past its deadline terminates its worker (and a worker that
// dies, e.g. out of memory, fails only its job); a fresh one is started for the next job.
// Idle workers end after a while: the controller starts none until a template is used.
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { BatonError } from '../../model/errors.js';
import type { WorkflowLoaderOptions } from '../../workflow/index.js';
import type { WorkflowJob, WorkflowJobReply } from './protocol.js';

/** A job as callers give it: the pool numbers it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type JobInput = WithoutId<WorkflowJob>;

interface Pending {
  job: WorkflowJob;
  timeoutMs: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
  timer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
}

export interface WorkflowPoolOptions {
  loader: WorkflowLoaderOptions;
  /** worker threads (default: the cpu count, at most 2) */
  size?: number;
  /** an idle worker ends after this (default 60 s) */
  idleMs?: number;
  /** a worker's heap limit (default 4 GiB: a million-task expansion fits) */
  maxHeapMb?: number;
}

const WORKER_FILE = new URL('./workflow-worker.js', import.meta.url);

export class WorkflowPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private readonly size: number;

  constructor(private readonly opts: WorkflowPoolOptions) {
    this.size = Math.max(1, opts.size ?? Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
  }

  run(input: JobInput, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...input, id: this.nextId++ } as WorkflowJob, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every worker (jobs under way fail). */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const p of this.queue.splice(0)) p.reject(new BatonError('UNAVAILABLE', 'the controller is stopping'));
    await Promise.all(slots.map((s) => this.end(s, new BatonError('UNAVAILABLE', 'the controller is stopping'))));
  }

  private dispatch(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.start();
      if (!slot) return;
      const p = this.queue.shift()!;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.busy = p;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        const what = p.job.op === 'lint' ? `linting ${p.job.path}` : `expanding ${p.job.workflow}`;
        void this.end(
          slot!,
          new BatonError('TIMEOUT', `${what} took more than ${p.timeoutMs} ms (limit workflow.time): the template is too large or too costly`, {
            where: p.job.op === 'lint' ? p.job.path : p.job.workflow,
            data: { limit: 'workflow.time', max: String(p.timeoutMs) },
          }),
        );
      }, p.timeoutMs);
      slot.worker.postMessage(p.job);
    }
  }

  private start(): Slot {
    const worker = new Worker(WORKER_FILE, {
      workerData: this.opts.loader,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb ?? 4096 },
    });
    const slot: Slot = { worker, busy: null, timer: null, idleTimer: null };
    worker.on('message', (reply: WorkflowJobReply) => {
      const p = slot.busy;
      if (!p || p.job.id !== reply.id) return;
      this.finish(slot);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(BatonError.fromDetail(reply.error));
      this.dispatch();
    });
    worker.on('error', (e) => {
      const out = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      void this.end(
        slot,
        new BatonError(
          out ? 'BAD_INPUT' : 'INTERNAL',
          out ? `the template needs more than ${this.opts.maxHeapMb ?? 4096} MB to expand (limit workflow.memory)` : `workflow worker failed: ${e.message}`,
          { data: out ? { limit: 'workflow.memory' } : undefined },
        ),
      );
    });
    worker.on('exit', () => {
      void this.end(slot, new BatonError('INTERNAL', 'workflow worker exited'));
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.busy = null;
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      void this.end(slot, null);
    }, this.opts.idleMs ?? 60_000);
    slot.idleTimer.unref();
  }

  /** Fails the slot's job (if any) with `error`, terminates its worker and starts what waits. */
  private async end(slot: Slot, error: BatonError | null): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const p = slot.busy;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.busy = null;
    slot.timer = null;
    slot.idleTimer = null;
    if (p) p.reject(error ?? new BatonError('INTERNAL', 'workflow worker ended'));
    await slot.worker.terminate().catch(() => {});
    this.dispatch();
  }
}
