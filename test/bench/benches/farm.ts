// 1. Farm scale on the sim driver: 350 simulated agents in a few OS processes (local up
// --sim-agents 350), one sim-farm environment of N tasks: create + DEPLOY + CONFIGURE +
// START_ACTIVITY, then STOP_ACTIVITY + RESET + EXIT; controller peak RSS. Floor: the same message
// volume (N messages each way per transition) through one grpc-js stream on loopback.
import path from 'node:path';
import type { Benchmark, BenchContext, BenchOutput } from '../bench.js';
import { grpcStreamFloor } from '../floor.js';
import { CpuMeter, peakRss, round } from '../proc.js';
import { summarizeProfile, type ProfileSummary } from '../profile.js';
import { atMost, figure, type Figure } from '../results.js';
import { Stack, teardownNotes } from '../stack.js';

const GiB = 2 ** 30;
const UP = ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY'] as const;
const DOWN = ['STOP_ACTIVITY', 'RESET', 'EXIT'] as const;

interface SizeRun {
  tasks: number;
  simAgents: number;
  stackUpMs: number;
  createMs: number;
  stepsMs: Record<string, number>;
  controllerStepsMs: Record<string, number>;
  upMs: number;
  downMs: number;
  floorMs: number;
  batchedFloorMs: number;
  controllerPeakRss: number;
  simAgentPeakRss: number;
  controllerCpu: { up: ReturnType<CpuMeter['read']>; down: ReturnType<CpuMeter['read']> };
  simAgentsCpu: { up: ReturnType<CpuMeter['read']>; down: ReturnType<CpuMeter['read']> };
  localDownMs: number;
  leftovers: string[];
  finalOk: boolean;
  finalNote: string;
  runningCounts: { byState: Record<string, number>; lost: number; degraded: boolean };
  nodeDownEvents: number;
  firstNodeDown: string | null;
}

async function runSize(ctx: BenchContext, tasks: number, simAgents: number, profiles: ProfileSummary[]): Promise<SizeRun> {
  ctx.load(`floor ${tasks}`);
  const floorMs = await grpcStreamFloor(tasks);
  const batchedFloorMs = await grpcStreamFloor(tasks, 80, 1000);
  ctx.log(
    `floor: ${tasks} items each way through one grpc-js stream: ${floorMs.toFixed(0)} ms one per message, ${batchedFloorMs.toFixed(0)} ms 1000 per message`,
  );

  ctx.load(`stack ${tasks}`);
  const stack = await Stack.up({ simAgents, profile: ctx.profile });
  ctx.log(`local up with ${simAgents} sim agents in ${stack.simPids.length} processes: ${stack.upMs} ms`);
  try {
    const c = stack.client;
    // node.down / node.up during the run: a node wrongly declared down loses its tasks
    const nodeEvents: string[] = [];
    const sub = c.subscribe(Number((await c.info()).lastEventSeq), (b) => {
      for (const e of b.events) if (e.kind === 'node.down') nodeEvents.push(`${e.node}: ${e.message}`);
    });
    sub.on('error', () => {});
    const prof = ctx.profile ? await stack.profiler() : null;
    ctx.load(`up ${tasks}`);
    await prof?.start();
    const ctlUp = new CpuMeter([stack.controllerPid]);
    const simUp = new CpuMeter(stack.simPids);
    const t0 = performance.now();
    const env = await c.create('sim-farm', { tasks: String(tasks) });
    const createMs = performance.now() - t0;
    const stepsMs: Record<string, number> = {};
    const controllerStepsMs: Record<string, number> = {};
    for (const t of UP) {
      const r = await c.transition(env.id, t);
      stepsMs[t] = round(r.ms);
      controllerStepsMs[t] = r.final.durationMs;
    }
    const upMs = performance.now() - t0;
    const cpuUp = [ctlUp.read(), simUp.read()] as const;
    if (prof)
      profiles.push(
        summarizeProfile(
          await prof.stop(),
          `farm ${tasks} tasks: create + DEPLOY + CONFIGURE + START_ACTIVITY`,
          path.join(ctx.profileDir, `farm-${tasks}-up.cpuprofile`),
          ctx.root,
        ),
      );
    ctx.log(`${tasks} tasks up in ${upMs.toFixed(0)} ms (create ${createMs.toFixed(0)}, ${UP.map((t) => `${t} ${stepsMs[t]}`).join(', ')})`);

    const running = await c.getEnv(env.id);
    let finalOk = running.state === 'RUNNING' && running.counts?.byState?.RUNNING === tasks;
    let finalNote = `after START_ACTIVITY: state ${running.state}, ${running.counts?.byState?.RUNNING ?? 0}/${tasks} tasks RUNNING, ${running.counts?.lost ?? 0} lost${running.degraded ? ', degraded' : ''}`;
    const runningCounts = { byState: running.counts?.byState ?? {}, lost: running.counts?.lost ?? 0, degraded: running.degraded };

    ctx.load(`down ${tasks}`);
    await prof?.start();
    const ctlDown = new CpuMeter([stack.controllerPid]);
    const simDown = new CpuMeter(stack.simPids);
    const t1 = performance.now();
    for (const t of DOWN) {
      const r = await c.transition(env.id, t);
      stepsMs[t] = round(r.ms);
      controllerStepsMs[t] = r.final.durationMs;
    }
    const downMs = performance.now() - t1;
    const cpuDown = [ctlDown.read(), simDown.read()] as const;
    if (prof) {
      profiles.push(
        summarizeProfile(
          await prof.stop(),
          `farm ${tasks} tasks: STOP_ACTIVITY + RESET + EXIT`,
          path.join(ctx.profileDir, `farm-${tasks}-down.cpuprofile`),
          ctx.root,
        ),
      );
      prof.close();
    }
    ctx.log(`${tasks} tasks down in ${downMs.toFixed(0)} ms (${DOWN.map((t) => `${t} ${stepsMs[t]}`).join(', ')})`);
    const done = await c.getEnv(env.id);
    const doneOk = done.state === 'DONE';
    finalOk &&= doneOk;
    finalNote += `; after EXIT: state ${done.state}`;

    sub.cancel();
    if (nodeEvents.length) {
      finalOk = false;
      finalNote += `; ${nodeEvents.length} node.down events (first: ${nodeEvents[0]})`;
    }
    const controllerPeakRss = peakRss(stack.controllerPid);
    const simAgentPeakRss = Math.max(...stack.simPids.map(peakRss));
    const d = await stack.down();
    const left = teardownNotes(d);
    ctx.log(`local down: ${d.downMs.toFixed(0)} ms${left.length ? `; ${left.join('; ')}` : ''}`);
    return {
      tasks,
      simAgents,
      stackUpMs: stack.upMs,
      createMs: round(createMs),
      stepsMs,
      controllerStepsMs,
      upMs: round(upMs),
      downMs: round(downMs),
      floorMs: round(floorMs),
      batchedFloorMs: round(batchedFloorMs),
      controllerPeakRss,
      simAgentPeakRss,
      controllerCpu: { up: cpuUp[0], down: cpuDown[0] },
      simAgentsCpu: { up: cpuUp[1], down: cpuDown[1] },
      localDownMs: round(d.downMs),
      leftovers: left,
      finalOk: finalOk && !left.length,
      finalNote,
      runningCounts,
      nodeDownEvents: nodeEvents.length,
      firstNodeDown: nodeEvents[0] ?? null,
    };
  } finally {
    await stack.down();
  }
}

export const farm: Benchmark = {
  name: 'farm',
  title: 'Farm scale (sim driver): 350 simulated agents, one environment',
  async run(ctx): Promise<BenchOutput> {
    // BATON_BENCH_FARM_SIZES=150000 runs only that size (for profiling runs)
    const only = (process.env.BATON_BENCH_FARM_SIZES ?? '')
      .split(',')
      .map(Number)
      .filter((x) => x > 0);
    const sizes = ctx.smoke ? [2000] : only.length ? only : [10_000, 50_000, 150_000];
    const simAgents = ctx.smoke ? 20 : 350;
    // the machine is shared: each size runs `reps` times on a fresh stack; the table has the median
    const reps = ctx.smoke ? 1 : Number(process.env.BATON_BENCH_REPEAT ?? 3);
    const runs: SizeRun[] = [];
    const profiles: ProfileSummary[] = [];
    for (const n of sizes) {
      for (let i = 0; i < reps; i++) runs.push(await runSize(ctx, n, simAgents, i === 0 ? profiles : []));
    }
    const figures: Figure[] = [];
    const big = sizes[sizes.length - 1]!;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const range = (xs: number[], div: number) => (xs.length > 1 ? `median of ${xs.length} runs: ${xs.map((x) => round(x / div, 2)).join(', ')}` : undefined);
    for (const n of sizes) {
      const rs = runs.filter((r) => r.tasks === n);
      const k = `${n / 1000}k`;
      const targeted = n === big && !ctx.smoke;
      // three transitions, each one item per task down and one up
      const fl = median(rs.map((r) => r.floorMs));
      const bfl = median(rs.map((r) => r.batchedFloorMs));
      const floor = {
        value: round((3 * fl) / 1000, 2),
        unit: 's',
        what: `3 x ${n.toLocaleString('en')} 80-byte messages each way through one grpc-js stream, one per message; batched 1000 per message: ${round((3 * bfl) / 1000, 2)} s`,
      };
      const ups = rs.map((r) => r.upMs);
      const downs = rs.map((r) => r.downMs);
      figures.push(
        figure(`${k}.up`, `${n.toLocaleString('en')} tasks: create + DEPLOY + CONFIGURE + START_ACTIVITY`, round(median(ups) / 1000, 2), 's', {
          floor,
          target: targeted ? atMost(10, '<= 10 s') : undefined,
          note: range(ups, 1000),
        }),
      );
      figures.push(
        figure(`${k}.down`, `${n.toLocaleString('en')} tasks: STOP_ACTIVITY + RESET + EXIT`, round(median(downs) / 1000, 2), 's', {
          floor,
          target: targeted ? atMost(10, '<= 10 s') : undefined,
          note: range(downs, 1000),
        }),
      );
      figures.push(
        figure(
          `${k}.rss`,
          `${n.toLocaleString('en')} tasks: controller peak RSS (VmHWM), highest of the runs`,
          round(Math.max(...rs.map((r) => r.controllerPeakRss)) / GiB, 3),
          'GiB',
          { target: targeted ? atMost(2, '<= 2 GiB') : undefined },
        ),
      );
    }
    return {
      ok: runs.every((r) => r.finalOk),
      figures,
      details: { simAgents, runs },
      notes: [
        ...runs
          .filter((r) => !r.finalOk)
          .map((r) => `${r.tasks} tasks: final state not as expected: ${r.finalNote}${r.leftovers.length ? `; ${r.leftovers.join('; ')}` : ''}`),
        `sim agents: ${simAgents} in ${Math.ceil(simAgents / 100)} OS processes (local up runs 100 per process); each size ${reps} time(s), each on a fresh stack; figures are medians`,
        ...sizes.map((n) => {
          const rs = runs.filter((r) => r.tasks === n);
          const m = rs[Math.floor((rs.length - 1) / 2)]!;
          return `${n.toLocaleString('en')} tasks, per step in one run (ms): create ${m.createMs}, ${Object.entries(m.stepsMs)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}; controller cpu ${m.controllerCpu.up.cores} cores up, ${m.controllerCpu.down.cores} down`;
        }),
        'up = client-side wall time from CreateEnvironment to the final ControlProgress of START_ACTIVITY; create includes the reply with every task',
      ],
      profiles: profiles.length ? profiles : undefined,
    };
  },
};
