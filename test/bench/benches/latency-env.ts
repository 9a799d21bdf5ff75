// One part of the latency benchmark: an environment of `wanted` controlled tasks of one SDK,
// deployed on a stack that has served before, then CONFIGURE/RESET `cycles` times; the latency of
// each transition as the client sees it (call to final message), and what the tasks and the
// stack spent meanwhile. The environment is EXITed at the end; its final state is checked.
import path from 'node:path';
import type { BenchContext } from '../bench.js';
import { deployForSetup } from '../deploy.js';
import { CpuMeter, round, RunQueueMeter } from '../proc.js';
import { summarizeProfile, type ProfileSummary } from '../profile.js';
import type { Stack } from '../stack.js';
import { summarize, type Summary } from '../stats.js';

export type Step = 'CONFIGURE' | 'RESET';
export const STEPS: readonly Step[] = ['CONFIGURE', 'RESET'];

export interface EnvLatency {
  /** tasks measured: fewer than requested when a DEPLOY of them kept failing */
  tasks: number;
  requested: number;
  cycles: number;
  client: Record<Step, Summary>;
  /** the durations the controller reported */
  controllerReported: Record<Step, Summary>;
  samplesMs: Record<Step, number[]>;
  setupDeployMs: number;
  setupFailures: string[];
  /** the task processes' own cpu per transition: the part of a transition that is the tasks' work */
  taskCpuMsPerTransition: number;
  cpuDuringCycles: ReturnType<CpuMeter['read']>;
  runQueue: ReturnType<RunQueueMeter['read']>;
  /** the first CONFIGURE after DEPLOY, and p99 without the first 10 cycles */
  coldStart: { firstConfigureMs: number; CONFIGURE: number; RESET: number };
  /** why the environment was not as it should be after the cycles (empty: it was) */
  problems: string[];
}

/** Measures `workflow` with `vars` and `wanted` tasks; `profileLabel` profiles the controller and agent-1 during the cycles. */
export async function measureEnvironment(
  ctx: BenchContext,
  stack: Stack,
  workflow: string,
  vars: Record<string, string>,
  wanted: number,
  cycles: number,
  profileLabel?: string,
): Promise<{ latency: EnvLatency; profiles: ProfileSummary[] }> {
  const c = stack.client;
  // the wanted size; if its DEPLOY keeps failing (agents declared down while spawning on a loaded
  // machine), fewer, so that the transitions can still be measured, and the figures say so
  const setupFailures: string[] = [];
  let dep: Awaited<ReturnType<typeof deployForSetup>> | null = null;
  let n = wanted;
  for (const size of ctx.smoke ? [wanted] : [wanted, wanted / 2, wanted / 4]) {
    n = size;
    try {
      dep = await deployForSetup(c, async () => (await c.create(workflow, { ...vars, tasks: String(size) })).id, 2);
      setupFailures.push(...dep.failures.map((f) => `${size} tasks: ${f}`));
      break;
    } catch (e) {
      setupFailures.push(`${size} tasks: ${(e as Error).message}`);
      ctx.log(`${workflow}: DEPLOY of ${size} tasks failed twice; trying fewer`);
    }
  }
  if (!dep) throw new Error(`${workflow}: no environment could be deployed: ${setupFailures.join(' | ')}`);
  const envId = dep.envId;
  const profs = profileLabel ? [await stack.profiler(), await stack.profiler('agent-1')] : [];
  for (const p of profs) await p.start();
  const cpu = new CpuMeter([stack.controllerPid, ...stack.agentPids]);
  const taskPids = (await c.getEnv(envId, true)).tasks.map((t) => t.pid).filter((p) => p > 0);
  for (const p of taskPids) stack.taskPids.add(p);
  const taskCpu = new CpuMeter(taskPids);
  const rq = new RunQueueMeter([stack.controllerPid, ...stack.agentPids]);
  const client: Record<Step, number[]> = { CONFIGURE: [], RESET: [] };
  const server: Record<Step, number[]> = { CONFIGURE: [], RESET: [] };
  for (let i = 0; i < cycles; i++) {
    for (const t of STEPS) {
      const r = await c.transition(envId, t, 30_000);
      client[t].push(r.ms);
      server[t].push(r.final.durationMs);
    }
  }
  const cpuDuringCycles = cpu.read();
  const tasksUsed = taskCpu.read();
  const runQueue = rq.read();
  const profiles: ProfileSummary[] = [];
  for (const [i, p] of profs.entries()) {
    const who = ['controller', 'agent-1'][i]!;
    profiles.push(
      summarizeProfile(
        await p.stop(),
        `latency, ${who}: ${cycles} CONFIGURE/RESET cycles of ${n} ${profileLabel}`,
        path.join(ctx.profileDir, `latency-${n}-${who}.cpuprofile`),
        ctx.root,
      ),
    );
    p.close();
  }
  const problems: string[] = [];
  const full = await c.getEnv(envId, true);
  for (const t of full.tasks) if (t.pid > 0) stack.taskPids.add(t.pid);
  if (!(full.state === 'DEPLOYED' && full.tasks.length === n && full.tasks.every((t) => t.state === 'STANDBY'))) {
    problems.push(`${workflow} after the cycles: environment ${full.state}, ${full.tasks.filter((t) => t.state === 'STANDBY').length}/${n} tasks STANDBY`);
  }
  await c.transition(envId, 'EXIT', 60_000);
  const latency: EnvLatency = {
    tasks: n,
    requested: wanted,
    cycles,
    client: { CONFIGURE: summarize(client.CONFIGURE), RESET: summarize(client.RESET) },
    controllerReported: { CONFIGURE: summarize(server.CONFIGURE), RESET: summarize(server.RESET) },
    samplesMs: { CONFIGURE: client.CONFIGURE.map((x) => round(x, 1)), RESET: client.RESET.map((x) => round(x, 1)) },
    setupDeployMs: round(dep.ms),
    setupFailures,
    taskCpuMsPerTransition: round((tasksUsed.cpuSeconds * 1000) / (2 * cycles), 2),
    cpuDuringCycles,
    runQueue,
    coldStart: {
      firstConfigureMs: round(client.CONFIGURE[0]!, 1),
      CONFIGURE: summarize(client.CONFIGURE.slice(10)).p99,
      RESET: summarize(client.RESET.slice(10)).p99,
    },
    problems,
  };
  return { latency, profiles };
}
