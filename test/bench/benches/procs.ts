// 2. Real processes: N controlled tasks (the SDK demo program, real OS processes) on 4 local
// agents, DEPLOY to RUNNING, at N = 100, 250, 500 and 1,000 (the target size). Floors in the same run,
// at each size: N trivial processes spawned from Node (/bin/true), and N minimal Node processes
// that dial a socket and say hello (nodeHelloFloor): a controlled Node task cannot start faster.
import path from 'node:path';
import type { Benchmark, BenchContext, BenchOutput } from '../bench.js';
import { nodeHelloFloor, spawnFloor } from '../floor.js';
import { memAvailable } from '../machine.js';
import { CpuMeter, peakRss, round, RunQueueMeter } from '../proc.js';
import { summarizeProfile, type ProfileSummary } from '../profile.js';
import { atMost, failedFigure, figure, type Figure } from '../results.js';
import { Stack, teardownNotes } from '../stack.js';

const MiB = 2 ** 20;
/** private memory of one demo task (measured: ~15 MiB) and one hello-floor process (~7 MiB), with margin */
const PER_TASK_BYTES = 20 * MiB;

interface SizeRun {
  tasks: number;
  agents: number;
  floorsMs: { binTrue: number; nodeHello: number; sdkHello: number };
  stepsMs: Record<string, number>;
  upMs: number | null;
  failed: string | null;
  cpu?: { controller: ReturnType<CpuMeter['read']>; agents: ReturnType<CpuMeter['read']> };
  peakRss?: { controller: number; agentsMax: number };
  perNode?: Record<string, number>;
  nodeDown: string[];
  /** event-loop threads: seconds waiting on the run queue vs running, during DEPLOY to RUNNING */
  runQueue?: { controllerWaitS: number; controllerRunS: number; agentsWaitS: number[]; agentsRunS: number[] };
  ok: boolean;
  notes: string[];
}

async function runSize(ctx: BenchContext, n: number, agents: number, profiles: ProfileSummary[]): Promise<SizeRun> {
  const need = n * PER_TASK_BYTES + 2 * 2 ** 30;
  if (memAvailable() < need) {
    throw new Error(`${n} tasks need about ${Math.round(need / 2 ** 30)} GiB free; MemAvailable is ${(memAvailable() / 2 ** 30).toFixed(1)} GiB`);
  }
  ctx.load(`${n}: floor /bin/true`);
  const trueMs = await spawnFloor(n, '/bin/true', []);
  ctx.load(`${n}: floor node hello`);
  const helloMs = await nodeHelloFloor(n, 16);
  // a reference, not a floor: the same with the task SDK imported first (its start-up cost)
  ctx.load(`${n}: sdk hello`);
  const sdkHelloMs = await nodeHelloFloor(n, 16, 300_000, path.join(ctx.root, 'dist', 'core', 'sdk', 'index.js'));
  ctx.log(`floors for ${n}: /bin/true ${trueMs.toFixed(0)} ms, node hello ${helloMs.toFixed(0)} ms; node + SDK import + hello ${sdkHelloMs.toFixed(0)} ms`);
  // let the machine settle after the floors (1,000 exiting processes)
  await new Promise((r) => setTimeout(r, 5000));

  ctx.load(`${n}: stack`);
  const stack = await Stack.up({ agents, profile: ctx.profile });
  const r: SizeRun = { tasks: n, agents, floorsMs: { binTrue: round(trueMs), nodeHello: round(helloMs), sdkHello: round(sdkHelloMs) }, stepsMs: {}, upMs: null, failed: null, nodeDown: [], ok: false, notes: [] };
  try {
    const c = stack.client;
    const sub = c.subscribe(Number((await c.info()).lastEventSeq), (b) => {
      for (const e of b.events) if (e.kind === 'node.down') r.nodeDown.push(`${e.node}: ${e.message}`);
    });
    sub.on('error', () => {});
    const env = await c.create('bench-demo', { tasks: String(n) });
    const profs = ctx.profile ? [await stack.profiler(), await stack.profiler('agent-1')] : [];
    ctx.load(`${n}: deploy`);
    for (const p of profs) await p.start();
    const cpuCtl = new CpuMeter([stack.controllerPid]);
    const cpuAgents = new CpuMeter(stack.agentPids);
    const rq = new RunQueueMeter([stack.controllerPid, ...stack.agentPids]);
    const t0 = performance.now();
    try {
      for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) r.stepsMs[t] = round((await c.transition(env.id, t, 600_000)).ms);
      r.upMs = performance.now() - t0;
    } catch (e) {
      r.failed = `${(e as Error).message} (after ${round((performance.now() - t0) / 1000, 1)} s)`;
    }
    r.cpu = { controller: cpuCtl.read(), agents: cpuAgents.read() };
    const q = rq.read();
    r.runQueue = { controllerWaitS: q[0]!.waitSeconds, controllerRunS: q[0]!.runSeconds,
      agentsWaitS: q.slice(1).map((x) => x.waitSeconds), agentsRunS: q.slice(1).map((x) => x.runSeconds) };
    for (const [i, p] of profs.entries()) {
      const who = i === 0 ? 'controller' : 'agent-1';
      profiles.push(summarizeProfile(await p.stop(), `procs ${n} tasks, ${who}: DEPLOY + CONFIGURE + START_ACTIVITY`,
        path.join(ctx.profileDir, `procs-${n}-${who}.cpuprofile`), ctx.root));
      p.close();
    }
    ctx.log(r.failed ? `${n} tasks: FAILED: ${r.failed}` : `${n} tasks DEPLOY to RUNNING in ${r.upMs!.toFixed(0)} ms (${Object.entries(r.stepsMs).map(([k, v]) => `${k} ${v}`).join(', ')})`);

    const full = await c.getEnv(env.id, true);
    for (const t of full.tasks) if (t.pid > 0) stack.taskPids.add(t.pid);
    const running = full.tasks.filter((t) => t.state === 'RUNNING' && t.pid > 0).length;
    r.perNode = {};
    for (const t of full.tasks) r.perNode[t.node] = (r.perNode[t.node] ?? 0) + 1;
    r.ok = !r.failed && full.state === 'RUNNING' && running === n;
    if (!r.failed && !r.ok) r.notes.push(`${n} tasks: environment ${full.state}, ${running}/${n} tasks RUNNING with a pid`);
    if (!r.failed) {
      for (const t of ['STOP_ACTIVITY', 'RESET', 'EXIT']) r.stepsMs[t] = round((await c.transition(env.id, t, 600_000)).ms);
      const done = await c.getEnv(env.id);
      if (done.state !== 'DONE') { r.ok = false; r.notes.push(`${n} tasks: after EXIT the environment is ${done.state}`); }
    }
    sub.cancel();
    r.peakRss = { controller: peakRss(stack.controllerPid), agentsMax: Math.max(...stack.agentPids.map(peakRss)) };
    const d = await stack.down();
    const left = teardownNotes(d, `${n} tasks: `);
    if (left.length) { r.ok = false; r.notes.push(...left); }
    if (r.nodeDown.length) r.notes.push(`${n} tasks: ${r.nodeDown.length} node.down events during the run (first: ${r.nodeDown[0]})`);
    return r;
  } finally {
    await stack.down();
  }
}

export const procs: Benchmark = {
  name: 'procs',
  title: 'Real processes: controlled SDK tasks on 4 local agents, DEPLOY to RUNNING',
  async run(ctx): Promise<BenchOutput> {
    // BATON_BENCH_PROCS_SIZES=250 runs only that size (for profiling runs)
    const only = (process.env.BATON_BENCH_PROCS_SIZES ?? '').split(',').map(Number).filter((x) => x > 0);
    const sizes = ctx.smoke ? [20] : only.length ? only : [100, 250, 500, 1000];
    const agents = ctx.smoke ? 2 : 4;
    const runs: SizeRun[] = [];
    const profiles: ProfileSummary[] = [];
    for (const n of sizes) runs.push(await runSize(ctx, n, agents, profiles));
    const figures: Figure[] = [];
    const big = sizes[sizes.length - 1]!;
    for (const r of runs) {
      const n = r.tasks;
      const targeted = n === big && !ctx.smoke;
      const hello = { value: round(r.floorsMs.nodeHello / 1000, 2), unit: 's', what: `${n} node processes dial a socket and say hello (16 starting at a time, all kept alive)` };
      const tru = { value: round(r.floorsMs.binTrue / 1000, 2), unit: 's', what: `${n} x /bin/true spawned from Node, 64 at a time` };
      const label = `${n.toLocaleString('en')} controlled tasks on ${agents} agents: DEPLOY + CONFIGURE + START_ACTIVITY`;
      if (r.upMs === null) {
        const why = r.failed ?? 'failed';
        figures.push({ ...failedFigure(`${n}.up`, label, 's', why), floor: hello });
        figures.push(failedFigure(`${n}.ratio.hello`, `${n.toLocaleString('en')} tasks: DEPLOY to RUNNING / node-hello floor`, 'x', 'no measurement', targeted ? atMost(2, '<= 2x floor') : undefined));
        figures.push({ ...failedFigure(`${n}.ratio.true`, `${n.toLocaleString('en')} tasks: DEPLOY to RUNNING / /bin/true floor`, 'x', 'no measurement', targeted ? atMost(2, '<= 2x floor') : undefined), floor: tru });
        continue;
      }
      figures.push(figure(`${n}.up`, label, round(r.upMs / 1000, 2), 's', { floor: hello, note: `DEPLOY alone ${round(r.stepsMs.DEPLOY! / 1000, 2)} s` }));
      figures.push(figure(`${n}.ratio.hello`, `${n.toLocaleString('en')} tasks: DEPLOY to RUNNING / node-hello floor`, round(r.upMs / r.floorsMs.nodeHello, 2), 'x',
        { target: targeted ? atMost(2, '<= 2x floor') : undefined }));
      figures.push(figure(`${n}.ratio.true`, `${n.toLocaleString('en')} tasks: DEPLOY to RUNNING / /bin/true floor`, round(r.upMs / r.floorsMs.binTrue, 2), 'x',
        { floor: tru, target: targeted ? atMost(2, '<= 2x floor') : undefined }));
      figures.push(figure(`${n}.ratio.sdk`, `${n.toLocaleString('en')} tasks: DEPLOY to RUNNING / node + SDK import + hello (reference)`, round(r.upMs / r.floorsMs.sdkHello, 2), 'x',
        { floor: { value: round(r.floorsMs.sdkHello / 1000, 2), unit: 's', what: `${n} node processes that import the task SDK, then dial and say hello (16 at a time)` } }));
    }
    return {
      ok: runs.every((r) => r.ok),
      figures,
      details: { agents, runs },
      notes: [
        ...runs.flatMap((r) => (r.failed ? [`${r.tasks} tasks: DEPLOY to RUNNING failed: ${r.failed}`] : [])),
        ...runs.flatMap((r) => r.notes),
        ...runs.filter((r) => r.cpu).map((r) => `${r.tasks} tasks: during DEPLOY to RUNNING (${r.cpu!.agents.wallSeconds} s) the controller used ${r.cpu!.controller.cpuSeconds} cpu-s, the ${agents} agents ${r.cpu!.agents.cpuSeconds} cpu-s; their event-loop threads waited for a cpu: controller ${r.runQueue!.controllerWaitS} s, agents ${r.runQueue!.agentsWaitS.join(' / ')} s`),
        'a controlled task is a Node process (the SDK): its start-up alone costs far more than /bin/true, so the /bin/true ratio is bounded below by node itself; the node-hello floor is the one a controlled Node task can approach',
      ],
      profiles: profiles.length ? profiles : undefined,
    };
  },
};
