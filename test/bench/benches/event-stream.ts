// The event stream: a Subscribe subscriber (this process) follows the controller while a sim
// environment cycles CONFIGURE/START/STOP/RESET. Every seq must arrive exactly once, in order.
// Paced steps (5k, 10k, 20k, 40k events/s) find the highest rate one subscriber receives without
// being cut off; then flat out, a subscriber that resumes from the seq the controller names when
// it cuts it off must still see every seq once.
import type * as grpc from '@grpc/grpc-js';
import type { BenchContext } from '../bench.js';
import type { BenchClient } from '../client.js';
import { CpuMeter, round } from '../proc.js';
import { Stack, teardownNotes } from '../stack.js';
import { summarize, type Summary } from '../stats.js';
import type { EventBatch } from '../../../core/rpc/gen/control.js';
import { fromServiceError } from '../../../core/rpc/errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** follows from a seq; with resume, re-subscribes from the seq a cut-off names */
class Follower {
  received = 0;
  gaps = 0;
  duplicates = 0;
  cutoffs = 0;
  last: number;
  error = '';
  firstAt = 0;
  lastAt = 0;
  private lag: number[] = [];
  private call: grpc.ClientReadableStream<EventBatch> | null = null;
  private closed = false;

  constructor(
    private readonly c: BenchClient,
    from: number,
    private readonly resume: boolean,
  ) {
    this.last = from;
    this.open(from);
  }

  private open(from: number): void {
    const call = this.c.subscribe(from, (b) => {
      const now = Date.now();
      if (!this.firstAt) this.firstAt = performance.now();
      this.lastAt = performance.now();
      for (const e of b.events) {
        const seq = Number(e.seq);
        if (seq <= this.last) {
          this.duplicates++;
          continue;
        }
        if (seq !== this.last + 1) this.gaps++;
        this.last = seq;
        this.received++;
        if ((this.received & 63) === 0) this.lag.push(now - Number(e.timeMs));
      }
    });
    this.call = call;
    call.on('error', (e: grpc.ServiceError) => {
      if (this.closed || e.code === 1) return; // cancelled by us
      const be = fromServiceError(e);
      const resumeFrom = Number(be.detail.data?.resume_from_seq ?? NaN);
      if (this.resume && be.code === 'UNAVAILABLE' && Number.isFinite(resumeFrom)) {
        this.cutoffs++;
        // resume_from_seq is the last seq sent; what we hold is what counts
        this.open(Math.min(resumeFrom, this.last));
        return;
      }
      this.error = be.message;
    });
  }

  async until(seq: number, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (this.last < seq && !this.error && Date.now() < end) await sleep(50);
  }

  close(): void {
    this.closed = true;
    this.call?.cancel();
  }

  lagSummary(): Summary {
    return summarize(this.lag);
  }
}

/** transitions of the whole environment, one every intervalMs (0: back to back), for `seconds` */
async function cycle(c: BenchClient, envId: string, seconds: number, intervalMs: number): Promise<number> {
  const order = ['CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'RESET'];
  const t0 = performance.now();
  let k = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await c.transition(envId, order[k % order.length]!);
    k++;
    const wait = t0 + k * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
  }
  // back to DEPLOYED
  for (; k % order.length !== 0; k++) await c.transition(envId, order[k % order.length]!);
  return k;
}

export interface StepResult {
  targetPerS: number;
  producedPerS: number;
  receivedPerS: number;
  produced: number;
  received: number;
  lost: number;
  gaps: number;
  cutOff: boolean;
  error: string;
  lag: Summary;
  subscriberCores: number;
}

export async function eventStream(ctx: BenchContext) {
  const tasks = ctx.smoke ? 500 : 10_000;
  const stepSeconds = ctx.smoke ? 2 : 6;
  const rates = ctx.smoke ? [1000] : [5000, 10_000, 20_000, 40_000];
  ctx.load('events stack');
  const stack = await Stack.up({ simAgents: ctx.smoke ? 5 : 10 });
  try {
    const c = stack.client;
    const env = await c.create('sim-farm', { tasks: String(tasks) });
    await c.transition(env.id, 'DEPLOY');
    const seqNow = async () => Number((await c.info()).lastEventSeq);

    const steps: StepResult[] = [];
    for (const rate of rates) {
      ctx.load(`events ${rate}/s`);
      const from = await seqNow();
      const f = new Follower(c, from, false);
      const self0 = process.cpuUsage();
      const t0 = performance.now();
      // one transition makes `tasks` task.state events (plus a few env ones)
      await cycle(c, env.id, stepSeconds, (tasks / rate) * 1000);
      const secs = (performance.now() - t0) / 1000;
      const end = await seqNow();
      await f.until(end, 15_000);
      f.close();
      const self = process.cpuUsage(self0);
      const produced = end - from;
      const r: StepResult = {
        targetPerS: rate,
        producedPerS: round(produced / secs),
        receivedPerS: round(f.received / secs),
        produced,
        received: f.received,
        lost: produced - f.received,
        gaps: f.gaps,
        cutOff: !!f.error,
        error: f.error,
        lag: f.lagSummary(),
        subscriberCores: round((self.user + self.system) / 1e6 / secs, 2),
      };
      steps.push(r);
      ctx.log(
        `events at ~${rate}/s: produced ${r.producedPerS}/s, received ${r.received}/${produced}${r.error ? ` (cut off: ${r.error.slice(0, 80)})` : ''}, lag p99 ${r.lag.p99} ms`,
      );
      if (r.lost || r.gaps) break;
    }

    // flat out, with a subscriber that resumes when it is cut off
    ctx.load('events flat out');
    const from = await seqNow();
    const f = new Follower(c, from, true);
    const ctl = new CpuMeter([stack.controllerPid]);
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    const transitions = await cycle(c, env.id, stepSeconds * 2, 0);
    const secs = (performance.now() - t0) / 1000;
    const end = await seqNow();
    await f.until(end, 60_000);
    const caughtUp = (performance.now() - t0) / 1000;
    f.close();
    const self = process.cpuUsage(self0);
    const flat = {
      seconds: round(secs, 1),
      transitions,
      produced: end - from,
      received: f.received,
      producedPerS: round((end - from) / secs),
      receivedPerS: round(f.received / caughtUp),
      caughtUpSeconds: round(caughtUp, 1),
      cutoffs: f.cutoffs,
      gaps: f.gaps,
      duplicates: f.duplicates,
      error: f.error,
      controllerCores: ctl.read().cores,
      subscriberCores: round((self.user + self.system) / 1e6 / caughtUp, 2),
    };
    ctx.log(`events flat out: produced ${flat.producedPerS}/s, received ${flat.received}/${flat.produced} with ${flat.cutoffs} resumes, ${flat.gaps} gaps`);

    await c.transition(env.id, 'EXIT');
    const done = await c.getEnv(env.id);
    const d = await stack.down();
    const lossless = steps.filter((s) => !s.lost && !s.gaps);
    const best = lossless.length ? lossless[lossless.length - 1]! : null;
    const ok =
      !!best &&
      flat.received === flat.produced &&
      !flat.gaps &&
      !flat.duplicates &&
      !flat.error &&
      done.state === 'DONE' &&
      !d.leftovers.length &&
      !d.swept.length;
    return { ok, tasks, steps, best, flat, finalState: done.state, leftovers: teardownNotes(d) };
  } finally {
    await stack.down();
  }
}
