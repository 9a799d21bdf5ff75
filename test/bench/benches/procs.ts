// 2. Real processes: N controlled tasks (the SDK demo program, real OS processes) on 4 local
// agents, DEPLOY to RUNNING, at N = 100, 250, 500 and 1,000 (the target size). Floors in the same run,
// at each size: N trivial processes spawned from Node (/bin/true), and N minimal Node processes
// that dial a socket and say hello (nodeHelloFloor): a controlled Node task cannot start faster.
// At the target size the same is done with tasks written with the C SDK (sdk/c), which start in
// about a millisecond: those are the tasks the /bin/true floor is a fair comparison for.
import fs from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchContext, BenchOutput } from '../bench.js';
import { nodeHelloFloor, spawnFloor } from '../floor.js';
import { memAvailable, waitQuiet } from '../machine.js';
import { round } from '../proc.js';
import type { ProfileSummary } from '../profile.js';
import { atMost, failedFigure, figure, type Figure } from '../results.js';
import { cpuNote, deployToRunning, type StackRun } from './procs-run.js';

const MiB = 2 ** 20;
/** private memory of one demo task (measured: ~15 MiB) and one hello-floor process (~7 MiB), with margin */
const PER_TASK_BYTES = 20 * MiB;
/** measured C-SDK environments (2 s each): their median counts */
const C_REPEAT = 3;

interface SizeRun {
  tasks: number;
  floorsMs: { binTrue: number; nodeHello: number; sdkHello: number };
  /** the Node SDK's demo tasks */
  node: StackRun;
  /** the C SDK's demo tasks (target size and smoke only), or why not */
  c?: StackRun | { skipped: string };
  /** /bin/true measured again, on a quiet machine, before each C-SDK environment and after the last: the fastest */
  cFloorMs?: number;
  cFloorSamplesMs?: number[];
  /** what the reader of the C-SDK figures should know about how they were taken */
  cNotes: string[];
}

async function runSize(ctx: BenchContext, n: number, agents: number, withC: boolean, profiles: ProfileSummary[]): Promise<SizeRun> {
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
  const sdkHelloMs = await nodeHelloFloor(n, 16, 300_000, path.join(ctx.root, 'dist', 'sdk', 'node', 'index.js'));
  ctx.log(`floors for ${n}: /bin/true ${trueMs.toFixed(0)} ms, node hello ${helloMs.toFixed(0)} ms; node + SDK import + hello ${sdkHelloMs.toFixed(0)} ms`);
  // let the machine settle after the floors (1,000 exiting processes)
  await new Promise((r) => setTimeout(r, 5000));
  const r: SizeRun = {
    tasks: n,
    floorsMs: { binTrue: round(trueMs), nodeHello: round(helloMs), sdkHello: round(sdkHelloMs) },
    node: await deployToRunning(ctx, 'bench-demo', n, agents, profiles),
    cNotes: [],
  };
  if (withC) {
    const bin = path.join(ctx.root, 'dist', 'sdk', 'c', 'demo_task');
    if (!fs.existsSync(bin)) r.c = { skipped: `${path.relative(ctx.root, bin)} was not built (no C compiler when npm run build ran)` };
    else {
      // The C-SDK run takes seconds, the same order as its floor, so both are taken on a quiet
      // machine: anything else running (1,000 Node tasks still exiting after their stack is down)
      // slows the floor and flatters the ratio. The floor is taken before each of C_REPEAT
      // measured environments and once after; the fastest floor counts, and the median environment.
      // (not at smoke size: the tests run beside it, and a smoke run times nothing)
      if (!ctx.smoke) {
        const q = await waitQuiet(120_000);
        ctx.log(`machine ${q.quiet ? 'quiet' : 'still busy'} after ${q.waitedMs} ms (idle share ${q.idle?.toFixed(2) ?? '?'})`);
        if (!q.quiet) r.cNotes.push(`the machine was still busy (idle share ${q.idle?.toFixed(2) ?? '?'}) after waiting ${q.waitedMs} ms before the C-SDK run`);
      }
      const floors: number[] = [];
      const floor = async (label: string) => {
        ctx.load(`${n}: floor /bin/true, ${label}`);
        floors.push(await spawnFloor(n, '/bin/true', []));
      };
      r.c = await deployToRunning(ctx, 'bench-c', n, agents, profiles, {
        repeat: ctx.smoke ? 2 : C_REPEAT,
        before: (i) => floor(`before C-SDK environment ${i + 1}`),
      });
      await floor('after the C-SDK environments');
      r.cFloorMs = round(Math.min(...floors));
      r.cFloorSamplesMs = floors.map((x) => round(x));
      ctx.log(
        `/bin/true floors around the C-SDK environments: ${floors.map((x) => x.toFixed(0)).join(', ')} ms; environments: ${(r.c.upSamplesMs ?? [r.c.upMs]).map((x) => (x === null ? 'failed' : x.toFixed(0))).join(', ')} ms`,
      );
    }
  }
  return r;
}

/** the figures of one stack run against the floors of its size */
function runFigures(r: StackRun, f: SizeRun['floorsMs'], targeted: boolean, c: boolean): Figure[] {
  const n = r.tasks;
  const key = c ? `${n}.c` : `${n}`;
  const what = c ? 'C-SDK tasks' : 'tasks';
  const hello = {
    value: round(f.nodeHello / 1000, 2),
    unit: 's',
    what: `${n} node processes dial a socket and say hello (16 starting at a time, all kept alive)`,
  };
  const tru = {
    value: round(f.binTrue / 1000, 2),
    unit: 's',
    what: `${n} x /bin/true spawned from Node, 64 at a time${c && r.upSamplesMs ? `; the fastest of ${r.upSamplesMs.length + 1}, taken around the environments on a quiet machine` : ''}`,
  };
  const label = `${n.toLocaleString('en')} controlled ${c ? 'C-SDK tasks (sdk/c)' : 'tasks'} on ${r.agents} agents: DEPLOY + CONFIGURE + START_ACTIVITY`;
  // the node-hello target is the Node SDK's; the /bin/true one is checked on the C SDK's tasks
  const trueTarget = targeted && c ? atMost(2, '<= 2x floor') : undefined;
  const helloTarget = targeted && !c ? atMost(2, '<= 2x floor') : undefined;
  const ratio = (name: string) => `${n.toLocaleString('en')} ${what}: DEPLOY to RUNNING / ${name}`;
  if (r.upMs === null) {
    const why = r.failed ?? 'failed';
    return [
      { ...failedFigure(`${key}.up`, label, 's', why), floor: c ? tru : hello },
      ...(c ? [] : [failedFigure(`${key}.ratio.hello`, ratio('node-hello floor'), 'x', 'no measurement', helloTarget)]),
      { ...failedFigure(`${key}.ratio.true`, ratio('/bin/true floor'), 'x', 'no measurement', trueTarget), floor: tru },
    ];
  }
  const figures = [
    figure(`${key}.up`, label, round(r.upMs / 1000, 2), 's', {
      floor: c ? tru : hello,
      note: `DEPLOY alone ${round(r.stepsMs.DEPLOY! / 1000, 2)} s${r.upSamplesMs ? `; the median of ${r.upSamplesMs.length} environments` : ''}`,
    }),
  ];
  if (!c) figures.push(figure(`${key}.ratio.hello`, ratio('node-hello floor'), round(r.upMs / f.nodeHello, 2), 'x', { target: helloTarget }));
  figures.push(figure(`${key}.ratio.true`, ratio('/bin/true floor'), round(r.upMs / f.binTrue, 2), 'x', { floor: tru, target: trueTarget }));
  const fresh = r.freshStack?.upMs;
  if (fresh) {
    // the same on the fresh stack: its first environment, as in the runs before the warm-up
    const [floorMs, floorName] = c ? [f.binTrue, '/bin/true floor'] : [f.nodeHello, 'node-hello floor'];
    figures.push(
      figure(`${key}.fresh.ratio`, `${ratio(floorName)}, on a fresh stack (its first environment; no target)`, round(fresh / floorMs, 2), 'x', {
        note: `${round(fresh / 1000, 2)} s; the measured figure above comes after it, on the same stack`,
      }),
    );
  }
  if (!c) {
    figures.push(
      figure(`${key}.ratio.sdk`, ratio('node + SDK import + hello (reference)'), round(r.upMs / f.sdkHello, 2), 'x', {
        floor: { value: round(f.sdkHello / 1000, 2), unit: 's', what: `${n} node processes that import the task SDK, then dial and say hello (16 at a time)` },
      }),
    );
  }
  return figures;
}

export const procs: Benchmark = {
  name: 'procs',
  title: 'Real processes: controlled SDK tasks (Node, and C at 1,000) on 4 local agents, DEPLOY to RUNNING',
  async run(ctx): Promise<BenchOutput> {
    // BATON_BENCH_PROCS_SIZES=250 runs only that size (for profiling runs)
    const only = (process.env.BATON_BENCH_PROCS_SIZES ?? '')
      .split(',')
      .map(Number)
      .filter((x) => x > 0);
    const sizes = ctx.smoke ? [20] : only.length ? only : [100, 250, 500, 1000];
    const agents = ctx.smoke ? 2 : 4;
    const runs: SizeRun[] = [];
    const profiles: ProfileSummary[] = [];
    const big = sizes[sizes.length - 1]!;
    for (const n of sizes) runs.push(await runSize(ctx, n, agents, n === big, profiles));
    const figures: Figure[] = [];
    const stackRuns: StackRun[] = [];
    for (const r of runs) {
      const targeted = r.tasks === big && !ctx.smoke;
      figures.push(...runFigures(r.node, r.floorsMs, targeted, false));
      stackRuns.push(r.node);
      if (r.c && 'skipped' in r.c) {
        // a smoke run reports only what it measured (its figures must be numbers)
        if (!ctx.smoke)
          figures.push(
            failedFigure(
              `${r.tasks}.c.ratio.true`,
              `${r.tasks.toLocaleString('en')} C-SDK tasks: DEPLOY to RUNNING / /bin/true floor`,
              'x',
              r.c.skipped,
              targeted ? atMost(2, '<= 2x floor') : undefined,
            ),
          );
      } else if (r.c) {
        figures.push(...runFigures(r.c, { ...r.floorsMs, binTrue: r.cFloorMs ?? r.floorsMs.binTrue }, targeted, true));
        stackRuns.push(r.c);
      }
    }
    return {
      ok: stackRuns.every((r) => r.ok),
      figures,
      details: { agents, runs },
      notes: [
        ...stackRuns.flatMap((r) => (r.failed ? [`${r.tasks} ${r.workflow} tasks: DEPLOY to RUNNING failed: ${r.failed}`] : [])),
        ...stackRuns.flatMap((r) => r.notes),
        ...stackRuns.flatMap((r) =>
          r.freshStack?.failure
            ? [`${r.tasks} ${r.workflow} tasks: the warm-up environment on the fresh stack failed (the measured run went on): ${r.freshStack.failure}`]
            : [],
        ),
        'each measured figure is taken on a stack that has already brought one environment of its size up and down: that first environment, on the fresh controller and agents, is the fresh-stack figure',
        ...stackRuns.filter((r) => r.cpu).map(cpuNote),
        ...runs.flatMap((r) => (r.c && 'skipped' in r.c ? [`the C-SDK tasks were not measured: ${r.c.skipped}`] : [])),
        ...runs.flatMap((r) => r.cNotes),
        ...runs.flatMap((r) =>
          r.c && !('skipped' in r.c) && r.cFloorSamplesMs
            ? [
                `${r.tasks} C-SDK tasks: ${(r.c.upSamplesMs ?? [r.c.upMs]).length} measured environments, DEPLOY to RUNNING ${(r.c.upSamplesMs ?? [r.c.upMs]).map((x) => (x === null ? 'failed' : `${(x / 1000).toFixed(2)} s`)).join(', ')} (the median counts); /bin/true floors on the quiet machine ${r.cFloorSamplesMs.map((x) => `${(x / 1000).toFixed(2)} s`).join(', ')} (the fastest counts)`,
              ]
            : [],
        ),
        'a controlled Node task (the Node SDK) costs ~40 ms of cpu to start, far more than /bin/true, so its /bin/true ratio is bounded below by node itself: its target is the node-hello floor; the /bin/true target is checked on tasks written with the C SDK (sdk/c)',
      ],
      profiles: profiles.length ? profiles : undefined,
    };
  },
};
