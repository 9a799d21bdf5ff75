// 1. Farm scale on the sim driver, as a curve: one sim-farm environment of N tasks for each size
// (10k to 1M by default, --sizes to choose), on one simulated agent per 500 tasks (20 to 2,000,
// 100 per OS process as local up runs them): create, DEPLOY..RUNNING (DEPLOY + CONFIGURE +
// START_ACTIVITY), down (STOP_ACTIVITY + RESET + EXIT), destroy; the controller's RSS and its
// V8 heap after a full GC at RUNNING. Beside each size, its floor (../farm-floor.ts), measured
// in the same run: the batched messages Baton must send to that many agents plus the per-task
// records a controller must hold. Figures and the printed curve: farm-report.ts.
import path from 'node:path';
import type { Benchmark, BenchContext, BenchOutput } from '../bench.js';
import { farmFloor, type FarmFloor } from '../farm-floor.js';
import { CpuMeter, currentRss, peakRss, round } from '../proc.js';
import { summarizeProfile, type ProfileSummary } from '../profile.js';
import { Stack, teardownNotes } from '../stack.js';
import { loadavg } from '../machine.js';
import { farmReport } from './farm-report.js';

const UP = ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY'] as const;
const DOWN = ['STOP_ACTIVITY', 'RESET', 'EXIT'] as const;
export const FARM_SIZES = [10_000, 50_000, 150_000, 500_000, 1_000_000];
const TASKS_PER_AGENT = 500;

/** a farm grows by machines: one sim agent per 500 tasks, 20 to 2,000 */
export function simAgentsFor(tasks: number): number {
  return Math.min(2000, Math.max(20, Math.ceil(tasks / TASKS_PER_AGENT)));
}

export interface SizeRun {
  tasks: number;
  simAgents: number;
  stackUpMs: number;
  createMs: number;
  /** DEPLOY + CONFIGURE + START_ACTIVITY */
  deployToRunningMs: number;
  /** create + DEPLOY..RUNNING */
  upMs: number;
  /** STOP_ACTIVITY + RESET + EXIT */
  downMs: number;
  destroyMs: number;
  stepsMs: Record<string, number>;
  controllerStepsMs: Record<string, number>;
  floor: FarmFloor;
  controllerPeakRss: number;
  controllerRssRunning: number;
  controllerHeapRunning: number;
  simAgentPeakRss: number;
  controllerCpu: Record<'up' | 'down', ReturnType<CpuMeter['read']>>;
  simAgentsCpu: Record<'up' | 'down', ReturnType<CpuMeter['read']>>;
  leftovers: string[];
  finalOk: boolean;
  finalNote: string;
  nodeDownEvents: number;
  firstNodeDown: string | null;
  /** the load average (1/5/15 min) when this size began */
  load: string;
}

/** Profiles the controller and the first sim-agent process (100 sim agents) over fn. */
async function profiled<T>(ctx: BenchContext, stack: Stack, on: boolean, label: string, file: string, out: ProfileSummary[], fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const targets = [
    { prof: await stack.profiler(), label, file: `${file}.cpuprofile` },
    { prof: await stack.profiler('sim-1'), label: `${label}, sim-agent process sim-1`, file: `${file}-sim-1.cpuprofile` },
  ];
  for (const t of targets) await t.prof.start();
  try {
    return await fn();
  } finally {
    for (const t of targets) {
      out.push(summarizeProfile(await t.prof.stop(), t.label, path.join(ctx.profileDir, t.file), ctx.root));
      t.prof.close();
    }
  }
}

async function runSize(ctx: BenchContext, tasks: number, profile: boolean, profiles: ProfileSummary[]): Promise<SizeRun> {
  const simAgents = ctx.smoke ? 4 : simAgentsFor(tasks);
  const loadBefore = loadavg();
  ctx.load(`floor ${tasks}`);
  const floor = await farmFloor(tasks, simAgents);
  ctx.log(
    `floor ${tasks} tasks on ${simAgents} agents: up ${round(floor.upMs)} ms (records ${round(floor.bookkeepingMs)}, launch ${round(floor.launchMs)}, transition ${round(floor.transitionMs)}), down ${round(floor.downMs)} ms`,
  );

  ctx.load(`stack ${tasks}`);
  // the inspector port is chosen, not opened: the heap is read through it once, at RUNNING
  const stack = await Stack.up({ simAgents, profile: true });
  ctx.log(`local up with ${simAgents} sim agents in ${stack.simPids.length} processes: ${stack.upMs} ms`);
  try {
    const c = stack.client;
    const nodeEvents: string[] = [];
    const sub = c.subscribe(Number((await c.info()).lastEventSeq), (b) => {
      for (const e of b.events) if (e.kind === 'node.down' || e.kind === 'node.suspect') nodeEvents.push(`${e.kind} ${e.node}: ${e.message}`);
    });
    sub.on('error', () => {});
    const stepsMs: Record<string, number> = {};
    const controllerStepsMs: Record<string, number> = {};
    const steps = async (names: readonly string[], envId: string) => {
      for (const t of names) {
        const r = await c.transition(envId, t, 900_000);
        stepsMs[t] = round(r.ms);
        controllerStepsMs[t] = r.final.durationMs;
      }
    };

    ctx.load(`up ${tasks}`);
    const ctlUp = new CpuMeter([stack.controllerPid]);
    const simUp = new CpuMeter(stack.simPids);
    const t0 = performance.now();
    const { env, createMs } = await profiled(
      ctx,
      stack,
      profile,
      `farm ${tasks} tasks: create + DEPLOY + CONFIGURE + START_ACTIVITY`,
      `farm-${tasks}-up`,
      profiles,
      async () => {
        const env = await c.create('sim-farm', { tasks: String(tasks) }, 900_000);
        const createMs = performance.now() - t0;
        ctx.log(`${tasks} tasks created in ${round(createMs)} ms`);
        await steps(UP, env.id);
        return { env, createMs };
      },
    );
    const upMs = performance.now() - t0;
    const cpuUp = { controller: ctlUp.read(), sim: simUp.read() };
    ctx.log(`${tasks} tasks RUNNING after ${round(upMs)} ms (create ${round(createMs)}, ${UP.map((t) => `${t} ${stepsMs[t]}`).join(', ')})`);

    const running = await c.getEnv(env.id);
    let finalOk = running.state === 'RUNNING' && running.counts?.byState?.RUNNING === tasks;
    let finalNote = `after START_ACTIVITY: state ${running.state}, ${running.counts?.byState?.RUNNING ?? 0}/${tasks} tasks RUNNING, ${running.counts?.lost ?? 0} lost`;
    const controllerRssRunning = currentRss(stack.controllerPid);
    const inspector = await stack.profiler();
    const heap = await inspector.heapAfterGc();
    inspector.close();

    ctx.load(`down ${tasks}`);
    const ctlDown = new CpuMeter([stack.controllerPid]);
    const simDown = new CpuMeter(stack.simPids);
    const t1 = performance.now();
    await profiled(ctx, stack, profile, `farm ${tasks} tasks: STOP_ACTIVITY + RESET + EXIT`, `farm-${tasks}-down`, profiles, () => steps(DOWN, env.id));
    const downMs = performance.now() - t1;
    const cpuDown = { controller: ctlDown.read(), sim: simDown.read() };
    const done = await c.getEnv(env.id);
    finalOk &&= done.state === 'DONE';
    finalNote += `; after EXIT: state ${done.state}`;
    const t2 = performance.now();
    await c.unary('destroyEnvironment', { id: env.id, force: false }, 900_000);
    const destroyMs = performance.now() - t2;
    ctx.log(`${tasks} tasks down in ${round(downMs)} ms (${DOWN.map((t) => `${t} ${stepsMs[t]}`).join(', ')}), destroyed in ${round(destroyMs)} ms`);

    sub.cancel();
    if (nodeEvents.length) {
      finalOk = false;
      finalNote += `; ${nodeEvents.length} node.suspect/node.down events (first: ${nodeEvents[0]})`;
    }
    const controllerPeakRss = peakRss(stack.controllerPid);
    const simAgentPeakRss = Math.max(...stack.simPids.map(peakRss));
    const d = await stack.down();
    const left = teardownNotes(d);
    return {
      tasks,
      simAgents,
      stackUpMs: stack.upMs,
      createMs: round(createMs),
      deployToRunningMs: round(upMs - createMs),
      upMs: round(upMs),
      downMs: round(downMs),
      destroyMs: round(destroyMs),
      stepsMs,
      controllerStepsMs,
      floor,
      controllerPeakRss,
      controllerRssRunning,
      controllerHeapRunning: heap.usedBytes,
      simAgentPeakRss,
      controllerCpu: { up: cpuUp.controller, down: cpuDown.controller },
      simAgentsCpu: { up: cpuUp.sim, down: cpuDown.sim },
      leftovers: left,
      finalOk: finalOk && !left.length,
      finalNote,
      nodeDownEvents: nodeEvents.length,
      firstNodeDown: nodeEvents[0] ?? null,
      load: loadBefore,
    };
  } finally {
    await stack.down();
  }
}

export const farm: Benchmark = {
  name: 'farm',
  title: 'Farm scale (sim driver): a curve from 10,000 to 1,000,000 tasks on 20 to 2,000 simulated agents',
  async run(ctx): Promise<BenchOutput> {
    // --sizes (or BATON_BENCH_FARM_SIZES=150000) runs only these sizes
    const fromEnv = (process.env.BATON_BENCH_FARM_SIZES ?? '')
      .split(',')
      .map(Number)
      .filter((x) => x > 0);
    const sizes = ctx.smoke ? [2000] : ctx.sizes?.length ? ctx.sizes : fromEnv.length ? fromEnv : FARM_SIZES;
    // the curve runs each size once by default (1M tasks take minutes); BATON_BENCH_REPEAT=3 for medians
    const reps = ctx.smoke ? 1 : Number(process.env.BATON_BENCH_REPEAT ?? 1);
    const runs: SizeRun[] = [];
    const profiles: ProfileSummary[] = [];
    // a size that fails (e.g. agents dropped on an overloaded machine) is reported and the curve goes on
    const failures: { tasks: number; error: string }[] = [];
    for (const n of [...sizes].sort((a, b) => a - b)) {
      for (let i = 0; i < reps; i++) {
        try {
          runs.push(await runSize(ctx, n, ctx.profile && i === 0, profiles));
        } catch (e) {
          failures.push({ tasks: n, error: (e as Error).message });
          ctx.log(`${n} tasks failed: ${(e as Error).message}`);
        }
      }
    }
    const report = farmReport(runs, ctx.smoke, failures);
    for (const line of report.curve) ctx.log(line);
    return {
      ok: !failures.length && runs.every((r) => r.finalOk),
      figures: report.figures,
      details: { runs, failures, curve: report.curve },
      notes: [...report.notes, ...report.curve],
      profiles: profiles.length ? profiles : undefined,
    };
  },
};
