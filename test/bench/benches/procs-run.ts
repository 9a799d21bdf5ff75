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
  /** DEPLOY to RUNNING of each measured environment, when there were several (upMs is their median) */
  upSamplesMs?: Array<number | null>;
  perNode?: Record<string, number>;
  nodeDown: string[];
  /** event-loop threads: seconds waiting on the run queue vs running, during DEPLOY to RUNNING */
  runQueue?: { controllerWaitS: number; controllerRunS: number; agentsWaitS: number[]; agentsRunS: number[] };
  ok: boolean;
  notes: string[];
}

export interface RunOptions {
  /** measured environments after the warm-up; the median counts (default 1) */
  repeat?: number;
  /** called before each measured environment (the C run measures its floor there) */
  before?: (i: number) => Promise<void>;
}

export async function deployToRunning(
  ctx: BenchContext,
  workflow: string,
  n: number,
  agents: number,
  profiles: ProfileSummary[],
  o: RunOptions = {},
): Promise<StackRun> {
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
    ctx.log(
      `${tag} tasks on the fresh stack (warm-up environment): ${fresh.upMs === null ? `failed: ${fresh.failure}` : `DEPLOY to RUNNING in ${fresh.upMs.toFixed(0)} ms`}`,
    );
    await new Promise((res) => setTimeout(res, 2000)); // its 'n' task processes are gone, their exits reaped
    const runs: MeasuredRun[] = [];
    const repeat = Math.max(1, o.repeat ?? 1);
    for (let i = 0; i < repeat; i++) {
      await o.before?.(i);
      const m = await measureOnce(ctx, stack, tag, workflow, n, i === 0 ? profiles : null);
      runs.push(m);
      if (m.failed) break;
    }
    // the median run (by time; a failed run counts as the slowest; of two, the slower) gives the figures
    const sorted = [...runs].sort((a, b) => (a.upMs ?? Infinity) - (b.upMs ?? Infinity));
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    Object.assign(r, { upMs: mid.upMs, stepsMs: mid.stepsMs, cpu: mid.cpu, runQueue: mid.runQueue, perNode: mid.perNode });
    r.failed = runs.find((m) => m.failed)?.failed ?? null;
    if (runs.length > 1) r.upSamplesMs = runs.map((m) => (m.upMs === null ? null : round(m.upMs)));
    r.notes.push(...runs.flatMap((m) => m.notes));
    r.ok = runs.every((m) => m.ok);
    sub.cancel();
    r.peakRss = { controller: peakRss(stack.controllerPid), agentsMax: Math.max(...stack.agentPids.map(peakRss)) };
    const d = await stack.down();
    const left = teardownNotes(d, `${tag} tasks: `);
    if (left.length) {
      r.ok = false;
      r.notes.push(...left);
    }
    if (r.nodeDown.length) r.notes.push(`${tag} tasks: ${r.nodeDown.length} node.down events during the run (first: ${r.nodeDown[0]})`);
    return r;
  } finally {
    await stack.down();
  }
}

type MeasuredRun = Pick<StackRun, 'upMs' | 'stepsMs' | 'failed' | 'cpu' | 'runQueue' | 'perNode' | 'ok' | 'notes'>;

/** One environment: DEPLOY + CONFIGURE + START_ACTIVITY timed, checked, then brought down to DONE. */
async function measureOnce(ctx: BenchContext, stack: Stack, tag: string, workflow: string, n: number, profiles: ProfileSummary[] | null): Promise<MeasuredRun> {
  const c = stack.client;
  const m: MeasuredRun = { upMs: null, stepsMs: {}, failed: null, ok: false, notes: [] };
  const env = await c.create(workflow, { tasks: String(n) });
  const profs = ctx.profile && profiles ? [await stack.profiler(), await stack.profiler('agent-1')] : [];
  ctx.load(`${tag}: deploy`);
  for (const p of profs) await p.start();
  const cpuCtl = new CpuMeter([stack.controllerPid]);
  const cpuAgents = new CpuMeter(stack.agentPids);
  const rq = new RunQueueMeter([stack.controllerPid, ...stack.agentPids]);
  const t0 = performance.now();
  try {
    for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) m.stepsMs[t] = round((await c.transition(env.id, t, 600_000)).ms);
    m.upMs = performance.now() - t0;
  } catch (e) {
    m.failed = `${(e as Error).message} (after ${round((performance.now() - t0) / 1000, 1)} s)`;
  }
  m.cpu = { controller: cpuCtl.read(), agents: cpuAgents.read() };
  const q = rq.read();
  m.runQueue = {
    controllerWaitS: q[0]!.waitSeconds,
    controllerRunS: q[0]!.runSeconds,
    agentsWaitS: q.slice(1).map((x) => x.waitSeconds),
    agentsRunS: q.slice(1).map((x) => x.runSeconds),
  };
  for (const [i, p] of profs.entries()) {
    const who = i === 0 ? 'controller' : 'agent-1';
    profiles!.push(
      summarizeProfile(
        await p.stop(),
        `procs ${n} ${workflow} tasks, ${who}: DEPLOY + CONFIGURE + START_ACTIVITY`,
        path.join(ctx.profileDir, `procs-${n}-${workflow}-${who}.cpuprofile`),
        ctx.root,
      ),
    );
    p.close();
  }
  ctx.log(
    m.failed
      ? `${tag} tasks: FAILED: ${m.failed}`
      : `${tag} tasks DEPLOY to RUNNING in ${m.upMs!.toFixed(0)} ms (${Object.entries(m.stepsMs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
  );

  const full = await c.getEnv(env.id, true);
  for (const t of full.tasks) if (t.pid > 0) stack.taskPids.add(t.pid);
  const running = full.tasks.filter((t) => t.state === 'RUNNING' && t.pid > 0).length;
  m.perNode = {};
  for (const t of full.tasks) m.perNode[t.node] = (m.perNode[t.node] ?? 0) + 1;
  m.ok = !m.failed && full.state === 'RUNNING' && running === n;
  if (!m.failed && !m.ok) m.notes.push(`${tag} tasks: environment ${full.state}, ${running}/${n} tasks RUNNING with a pid`);
  if (!m.failed) {
    for (const t of ['STOP_ACTIVITY', 'RESET', 'EXIT']) m.stepsMs[t] = round((await c.transition(env.id, t, 600_000)).ms);
    const done = await c.getEnv(env.id);
    if (done.state !== 'DONE') {
      m.ok = false;
      m.notes.push(`${tag} tasks: after EXIT the environment is ${done.state}`);
    }
  }
  return m;
}

/** the run's cpu and run-queue line for the notes */
export function cpuNote(r: StackRun): string {
  return `${r.tasks} ${r.workflow} tasks: during DEPLOY to RUNNING (${r.cpu!.agents.wallSeconds} s) the controller used ${r.cpu!.controller.cpuSeconds} cpu-s, the ${r.agents} agents ${r.cpu!.agents.cpuSeconds} cpu-s; their event-loop threads waited for a cpu: controller ${r.runQueue!.controllerWaitS} s, agents ${r.runQueue!.agentsWaitS.join(' / ')} s`;
}
