// One measured DEPLOY to RUNNING of the procs benchmark: N tasks of a workflow (bench-demo: the
// Node SDK's demo task; bench-c: the C SDK's), DEPLOY + CONFIGURE + START_ACTIVITY timed, then
// STOP_ACTIVITY + RESET + EXIT and a check that nothing is left. The stack has served one
// environment of the same size before (warmup.ts: agents run for months on a farm, and a fresh
// agent spends a third of its cpu on its first 250 tasks compiling its own code); the measured
// tasks are new processes, and the first environment's figure, on the fresh stack, is kept too.
import path from 'node:path';
import type { BenchContext } from '../bench.js';
import { CpuMeter, peakRss, round, RunQueueMeter } from '../proc.js';
import { summarizeProfile, type ProfileSummary } from '../profile.js';
import { Stack, teardownNotes } from '../stack.js';
import { serveUpOnce, type ServedUp } from '../warmup.js';

export interface StackRun {
  workflow: string;
  tasks: number;
  agents: number;
  stepsMs: Record<string, number>;
  upMs: number | null;
  failed: string | null;
  cpu?: { controller: ReturnType<CpuMeter['read']>; agents: ReturnType<CpuMeter['read']> };
  peakRss?: { controller: number; agentsMax: number };
  /** the same environment brought up and down once first, on the fresh stack */
  freshStack?: ServedUp;
  perNode?: Record<string, number>;
  nodeDown: string[];
  /** event-loop threads: seconds waiting on the run queue vs running, during DEPLOY to RUNNING */
  runQueue?: { controllerWaitS: number; controllerRunS: number; agentsWaitS: number[]; agentsRunS: number[] };
  ok: boolean;
  notes: string[];
}

export async function deployToRunning(ctx: BenchContext, workflow: string, n: number, agents: number, profiles: ProfileSummary[]): Promise<StackRun> {
  const tag = workflow === 'bench-demo' ? `${n}` : `${n} ${workflow}`;
  ctx.load(`${tag}: stack`);
  const stack = await Stack.up({ agents, profile: ctx.profile });
  const r: StackRun = { workflow, tasks: n, agents, stepsMs: {}, upMs: null, failed: null, nodeDown: [], ok: false, notes: [] };
  try {
    const c = stack.client;
    const sub = c.subscribe(Number((await c.info()).lastEventSeq), (b) => {
      for (const e of b.events) if (e.kind === 'node.down') r.nodeDown.push(`${e.node}: ${e.message}`);
    });
    sub.on('error', () => {});
    ctx.load(`${tag}: warm-up environment`);
    r.freshStack = await serveUpOnce(c, workflow, { tasks: String(n) });
    const fresh = r.freshStack;
    ctx.log(`${tag} tasks on the fresh stack (warm-up environment): ${fresh.upMs === null ? `failed: ${fresh.failure}` : `DEPLOY to RUNNING in ${fresh.upMs.toFixed(0)} ms`}`);
    await new Promise((res) => setTimeout(res, 2000)); // its 'n' task processes are gone, their exits reaped
    const env = await c.create(workflow, { tasks: String(n) });
    const profs = ctx.profile ? [await stack.profiler(), await stack.profiler('agent-1')] : [];
    ctx.load(`${tag}: deploy`);
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
      profiles.push(summarizeProfile(await p.stop(), `procs ${n} ${workflow} tasks, ${who}: DEPLOY + CONFIGURE + START_ACTIVITY`,
        path.join(ctx.profileDir, `procs-${n}-${workflow}-${who}.cpuprofile`), ctx.root));
      p.close();
    }
    ctx.log(r.failed ? `${tag} tasks: FAILED: ${r.failed}` : `${tag} tasks DEPLOY to RUNNING in ${r.upMs!.toFixed(0)} ms (${Object.entries(r.stepsMs).map(([k, v]) => `${k} ${v}`).join(', ')})`);

    const full = await c.getEnv(env.id, true);
    for (const t of full.tasks) if (t.pid > 0) stack.taskPids.add(t.pid);
    const running = full.tasks.filter((t) => t.state === 'RUNNING' && t.pid > 0).length;
    r.perNode = {};
    for (const t of full.tasks) r.perNode[t.node] = (r.perNode[t.node] ?? 0) + 1;
    r.ok = !r.failed && full.state === 'RUNNING' && running === n;
    if (!r.failed && !r.ok) r.notes.push(`${tag} tasks: environment ${full.state}, ${running}/${n} tasks RUNNING with a pid`);
    if (!r.failed) {
      for (const t of ['STOP_ACTIVITY', 'RESET', 'EXIT']) r.stepsMs[t] = round((await c.transition(env.id, t, 600_000)).ms);
      const done = await c.getEnv(env.id);
      if (done.state !== 'DONE') { r.ok = false; r.notes.push(`${tag} tasks: after EXIT the environment is ${done.state}`); }
    }
    sub.cancel();
    r.peakRss = { controller: peakRss(stack.controllerPid), agentsMax: Math.max(...stack.agentPids.map(peakRss)) };
    const d = await stack.down();
    const left = teardownNotes(d, `${tag} tasks: `);
    if (left.length) { r.ok = false; r.notes.push(...left); }
    if (r.nodeDown.length) r.notes.push(`${tag} tasks: ${r.nodeDown.length} node.down events during the run (first: ${r.nodeDown[0]})`);
    return r;
  } finally {
    await stack.down();
  }
}

/** the run's cpu and run-queue line for the notes */
export function cpuNote(r: StackRun): string {
  return `${r.tasks} ${r.workflow} tasks: during DEPLOY to RUNNING (${r.cpu!.agents.wallSeconds} s) the controller used ${r.cpu!.controller.cpuSeconds} cpu-s, the ${r.agents} agents ${r.cpu!.agents.cpuSeconds} cpu-s; their event-loop threads waited for a cpu: controller ${r.runQueue!.controllerWaitS} s, agents ${r.runQueue!.agentsWaitS.join(' / ')} s`;
}
