// 3. Transition latency: a 100-task environment of real controlled processes written with the C
// SDK, 200 CONFIGURE/RESET cycles; p50, p95, p99 per transition as the client sees it (call to
// final message), on a stack that has served one environment before (warmup.ts), with fresh task
// processes. The target is the ratio to the fan-out floor measured in the same run: the same C
// tasks, each sent one Transition per round by one grpc-js server and answering it, as many
// rounds as transitions (floors/fanout.ts). What Baton adds on top of that floor is its
// controller, its agents and their messages; C tasks leave little else in the figure (a Node
// task's own cpu per transition is most of a 2-core machine's share of it).
// Beside it, without a target, the same with the Node SDK's and the Python SDK's demo tasks; and
// for reference the same floor with /bin/cat (the kernel alone), a grpc-js unary round trip on
// loopback, and GetInfo against the controller.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchOutput } from '../bench.js';
import { grpcUnaryFloor } from '../floor.js';
import { fanoutFloor } from '../floors/fanout.js';
import { round } from '../proc.js';
import type { ProfileSummary } from '../profile.js';
import { atMost, figure, type Figure } from '../results.js';
import { Stack, teardownNotes } from '../stack.js';
import { summarize } from '../stats.js';
import { serveOnce } from '../warmup.js';
import { measureEnvironment, STEPS, type EnvLatency } from './latency-env.js';

/** p99 of Baton with C-SDK tasks over p99 of the fan-out floor */
const RATIO_TARGET = 3;

interface SdkPart {
  sdk: 'C' | 'Node' | 'Python';
  workflow: string;
  vars: Record<string, string>;
  /** why it cannot be measured here, or null */
  missing: string | null;
}

/** the Python that runs the Python SDK's tasks: $BATON_PYTHON, else Debian's, which has grpcio */
function pythonPart(root: string): SdkPart {
  const python = process.env.BATON_PYTHON || '/usr/bin/python3';
  const program = path.join(root, 'sdk', 'python', 'examples', 'demo_task.py');
  let missing: string | null = null;
  if (!fs.existsSync(program)) missing = `${path.relative(root, program)} does not exist`;
  else {
    try {
      execFileSync(python, ['-c', 'import grpc'], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      missing = `${python} cannot import grpc (set BATON_PYTHON to a Python with grpcio)`;
    }
  }
  return { sdk: 'Python', workflow: 'bench-python', vars: { python }, missing };
}

export const latency: Benchmark = {
  name: 'latency',
  title: 'Transition latency: 100 controlled C-SDK tasks, CONFIGURE/RESET cycles (Node and Python SDK tasks beside)',
  async run(ctx): Promise<BenchOutput> {
    const wanted = ctx.smoke ? 10 : 100;
    const cycles = ctx.smoke ? 10 : 200;
    const cTask = path.join(ctx.root, 'dist', 'sdk', 'c', 'demo_task');
    if (!fs.existsSync(cTask))
      throw new Error(
        `${path.relative(ctx.root, cTask)} was not built (scripts/build-c.sh builds it on Linux with a C compiler): the benchmark and its floor run C-SDK tasks`,
      );
    const parts: SdkPart[] = [
      { sdk: 'C', workflow: 'bench-c', vars: {}, missing: null },
      { sdk: 'Node', workflow: 'bench-demo', vars: {}, missing: null },
      pythonPart(ctx.root),
    ];

    ctx.load('floor');
    const unary = summarize(await grpcUnaryFloor(ctx.smoke ? 200 : 2000), 3);
    ctx.load('fan-out floor');
    const cFan = await fanoutFloor(wanted, 2 * cycles, 'c', { program: cTask });
    const catFan = await fanoutFloor(wanted, 2 * cycles, 'cat');
    const fan = summarize(cFan.samplesMs);
    const cat = summarize(catFan.samplesMs, 3);
    ctx.log(`fan-out floor, ${wanted} C tasks: p50 ${fan.p50} ms, p99 ${fan.p99} ms; ${wanted} cat processes: p50 ${cat.p50} ms, p99 ${cat.p99} ms`);

    ctx.load('stack');
    // BATON_BENCH_LATENCY_AGENTS=n: the same 100 tasks on n agents (for experiments)
    const agents = Number(process.env.BATON_BENCH_LATENCY_AGENTS) || (ctx.smoke ? 2 : 4);
    const stack = await Stack.up({ agents, profile: ctx.profile });
    const profiles: ProfileSummary[] = [];
    try {
      const c = stack.client;
      // a stack that has served an environment before, as every stack in a control room has
      ctx.load('warm-up environment');
      const warm = await serveOnce(c, 'bench-c', { tasks: String(wanted) }, ctx.smoke ? 2 : cycles);
      const fresh = warm.fresh;
      ctx.log(
        `fresh stack (warm-up environment, ${warm.cycles} cycles): CONFIGURE p50 ${fresh.CONFIGURE.p50} p99 ${fresh.CONFIGURE.p99} ms; RESET p50 ${fresh.RESET.p50} p99 ${fresh.RESET.p99} ms${warm.failure ? `; it failed: ${warm.failure}` : ''}`,
      );
      const infoMs: number[] = [];
      for (let i = 0; i < (ctx.smoke ? 50 : 500); i++) {
        const t0 = performance.now();
        await c.info();
        infoMs.push(performance.now() - t0);
      }

      const measured: Partial<Record<SdkPart['sdk'], EnvLatency>> = {};
      const notMeasured: Record<string, string> = {};
      const problems: string[] = [];
      for (const part of parts) {
        if (part.missing) {
          notMeasured[part.sdk] = part.missing;
          continue;
        }
        ctx.load(`cycles, ${part.sdk} SDK`);
        try {
          const r = await measureEnvironment(ctx, stack, part.workflow, part.vars, wanted, cycles, ctx.profile && part.sdk === 'C' ? 'C-SDK tasks' : undefined);
          measured[part.sdk] = r.latency;
          profiles.push(...r.profiles);
          problems.push(...r.latency.problems);
          ctx.log(
            `${part.sdk} SDK, ${r.latency.tasks} tasks: CONFIGURE p50 ${r.latency.client.CONFIGURE.p50} p99 ${r.latency.client.CONFIGURE.p99} ms; RESET p50 ${r.latency.client.RESET.p50} p99 ${r.latency.client.RESET.p99} ms`,
          );
        } catch (e) {
          if (part.sdk === 'C') throw e;
          problems.push(`${part.sdk} SDK tasks: ${(e as Error).message}`);
        }
      }
      const d = await stack.down();
      problems.push(...teardownNotes(d));

      const C = measured.C!;
      const fanWhat = (p: string) => `${wanted} C-SDK tasks answering one Transition each from one grpc-js server (fan-out floor), ${p}`;
      const figures: Figure[] = [];
      const checked = !ctx.smoke && C.tasks === wanted;
      for (const t of STEPS) {
        for (const p of ['p50', 'p95', 'p99'] as const) {
          figures.push(
            figure(`${t}.${p}`, `${t} of ${C.tasks} C-SDK tasks, ${p}`, C.client[t][p], 'ms', { floor: { value: fan[p], unit: 'ms', what: fanWhat(p) } }),
          );
        }
        figures.push(
          figure(`${t}.p99.ratio`, `${t} of ${C.tasks} C-SDK tasks, p99 / fan-out floor p99`, round(C.client[t].p99 / fan.p99, 2), 'x', {
            floor: { value: fan.p99, unit: 'ms', what: fanWhat('p99') },
            target: checked ? atMost(RATIO_TARGET, `<= ${RATIO_TARGET}x floor`) : undefined,
          }),
        );
      }
      for (const sdk of ['Node', 'Python'] as const) {
        const m = measured[sdk];
        if (!m) continue;
        for (const t of STEPS) {
          for (const p of ['p50', 'p99'] as const)
            figures.push(figure(`${sdk.toLowerCase()}.${t}.${p}`, `${t} of ${m.tasks} ${sdk}-SDK tasks, ${p}`, m.client[t][p], 'ms'));
        }
      }
      const sdkNotes = parts
        .map((part) => {
          const m = measured[part.sdk];
          if (!m) return `${part.sdk} SDK tasks (${part.workflow}): not measured: ${notMeasured[part.sdk] ?? 'it failed (see above)'}`;
          return [
            `${part.sdk} SDK tasks (${part.workflow}), ${m.tasks} of them, ${m.cycles} cycles: CONFIGURE p50 ${m.client.CONFIGURE.p50} / p99 ${m.client.CONFIGURE.p99} ms (${round(m.client.CONFIGURE.p99 / fan.p99, 2)}x the floor's p99), RESET p50 ${m.client.RESET.p50} / p99 ${m.client.RESET.p99} ms (${round(m.client.RESET.p99 / fan.p99, 2)}x)`,
            `the tasks used ${m.taskCpuMsPerTransition} cpu-ms per transition (${round(m.taskCpuMsPerTransition / os.cpus().length, 2)} ms of wall time on ${os.cpus().length} cores at best); controller + ${stack.agentPids.length} agents ${m.cpuDuringCycles.cores} cores on average; their event-loop threads waited for a cpu ${m.runQueue.map((w) => w.waitSeconds).join(' / ')} s (controller first) in ${m.cpuDuringCycles.wallSeconds} s`,
            `the first CONFIGURE after DEPLOY took ${m.coldStart.firstConfigureMs} ms${m.cycles > 10 ? `; without the first 10 cycles p99 is ${m.coldStart.CONFIGURE} ms (CONFIGURE), ${m.coldStart.RESET} ms (RESET)` : ''}; controller-reported durations: CONFIGURE p99 ${m.controllerReported.CONFIGURE.p99} ms, RESET p99 ${m.controllerReported.RESET.p99} ms`,
            ...(m.tasks < wanted
              ? [`measured with ${m.tasks} tasks, not ${wanted}: a DEPLOY of ${wanted} failed twice (agents declared down while spawning)`]
              : []),
            ...m.setupFailures.map((f) => `setup DEPLOY failed (the environment was destroyed and created again): ${f}`),
          ].map((s, i) => (i ? `${part.sdk}: ${s}` : s));
        })
        .flat();
      return {
        ok: problems.length === 0,
        figures,
        details: {
          requestedTasks: wanted,
          cycles,
          freshStack: warm,
          measured,
          notMeasured,
          fanoutFloor: {
            c: { ...fan, peerCpuMsPerRound: round(cFan.peerCpuMsPerRound, 2), samplesMs: cFan.samplesMs.map((x) => round(x, 1)) },
            cat: { ...cat, peerCpuMsPerRound: round(catFan.peerCpuMsPerRound, 2) },
          },
          grpcUnary: unary,
          getInfo: summarize(infoMs, 3),
        },
        notes: [
          ...problems,
          ...sdkNotes,
          `fan-out floor, ${wanted} C-SDK tasks (dist/sdk/c/demo_task, output to files) and one grpc-js TaskControl server on a unix socket, ${2 * cycles} rounds: p50 ${fan.p50} / p95 ${fan.p95} / p99 ${fan.p99} ms, the tasks used ${round(cFan.peerCpuMsPerRound, 2)} cpu-ms per round; the same with ${wanted} /bin/cat processes over pipes (the kernel alone): p50 ${cat.p50} / p99 ${cat.p99} ms`,
          `measured on a stack that has served one environment of ${wanted} C-SDK tasks for ${warm.cycles} cycles before (test/bench/warmup.ts); on that first environment, with a fresh controller and agents: CONFIGURE p50 ${fresh.CONFIGURE.p50} / p99 ${fresh.CONFIGURE.p99} ms, RESET p50 ${fresh.RESET.p50} / p99 ${fresh.RESET.p99} ms${warm.failure ? ` (the warm-up failed: ${warm.failure})` : ''}`,
          `grpc-js unary round trip on loopback: p50 ${unary.p50} ms, p99 ${unary.p99} ms; GetInfo against this controller: p50 ${summarize(infoMs, 3).p50} ms, p99 ${summarize(infoMs, 3).p99} ms`,
        ],
        profiles: profiles.length ? profiles : undefined,
      };
    } finally {
      await stack.down();
    }
  },
};
