// Baton vs supervisord: N plain processes (/bin/sleep) up and down.
// - Baton: a workflow of N basic tasks on one local agent (a local stack, as a user starts it);
//   up = DEPLOY; down = EXIT until every process has really exited (read in /proc, not the reply),
//   then a new environment is placed and deployed at once (the agent must still be UP).
// - supervisord (Debian's supervisor): its own config with N programs, `start all` until every
//   program is RUNNING, `stop all` until every one is STOPPED and its process gone.
// - The floor: one Node process spawns N, then signals and reaps them (floors/spawn-kill.ts).
// N = 1,000 (smoke: 50; BATON_BENCH_PEERS_N=n for a quicker profiling run). Targets: Baton ahead
// of supervisord both ways, within 2x the floor. Baton's ways up and down are measured in ROUNDS
// rounds, each after a floor run of its own, and read as medians: one kill (or spawn) of 1,000
// processes against one other moved by a third between runs of a quiet machine. --profile
// profiles the controller and the agent during the first round's DEPLOY, EXIT and destroy (those
// figures are then not the measured ones).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchContext, BenchOutput } from '../bench.js';
import { CpuMeter, round } from '../proc.js';
import { summarizeProfile, type ProfileSummary, type RemoteProfiler } from '../profile.js';
import { atMost, figure, type Figure } from '../results.js';
import { percentile } from '../stats.js';
import { Stack, teardownNotes } from '../stack.js';
import { Supervisor } from '../supervisor.js';
import { ListTasksRequest, type Task } from '../../../core/rpc/gen/control.js';

const COMMAND = '/bin/sleep';
const ARGS = ['1000'];
/** the bench-plain task class's kill.term, given to supervisord as stopwaitsecs too */
const TERM_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** rounds of floor, DEPLOY, EXIT and destroy (BATON_BENCH_PEERS_ROUNDS=n to change; the smoke run does one) */
const ROUNDS = 3;
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

interface UpDown {
  upMs: number;
  downMs: number;
}

/**
 * pids (of `pids`) whose process is alive and not a zombie. A gone process is told by a stat of
 * its /proc directory: reading /proc/<pid>/stat of 1,000 gone pids threw 1,000 ENOENT errors and
 * cost the benchmark itself 20 ms (quiet) to 150 ms (loaded) inside the measured time.
 */
function living(pids: readonly number[]): number[] {
  return pids.filter((p) => {
    if (!fs.existsSync(`/proc/${p}`)) return false;
    try {
      const st = fs.readFileSync(`/proc/${p}/stat`, 'latin1');
      const state = st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  });
}

async function untilGone(pids: readonly number[], timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let left = living(pids);
  while (left.length) {
    if (Date.now() > until) throw new Error(`${what}: ${left.length} process(es) still alive after ${timeoutMs} ms (e.g. pid ${left[0]})`);
    await sleep(20);
    left = living(left);
  }
}

function floor(n: number): Promise<UpDown> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'floors', 'spawn-kill.js');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, String(n), COMMAND, ...ARGS], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.once('error', reject);
    p.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`the spawn-kill floor exited ${code}`);
        resolve(JSON.parse(out) as UpDown);
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * One round: a floor run (spawn, then kill) right before, then a DEPLOY, an EXIT and a destroy of
 * N. A single pair of kills moved by 30-40% between runs of a quiet machine, a pair of spawns as
 * much; each ratio is read as the median of the rounds' ratios, each against its own round's floor.
 */
interface Round {
  floorUpMs: number;
  floorDownMs: number;
  deployMs: number;
  /** EXIT until every process is gone */
  exitMs: number;
  /** EXIT's reply, before the processes were checked gone */
  exitReplyMs: number;
  /** another N deployed, then destroyed (graded) until every process is gone */
  destroyMs: number;
}

interface BatonRun {
  rounds: Round[];
  /** a new 2-task environment created and deployed right after the first EXIT */
  placeAfterMs: number;
  /** cpu seconds of the controller and the agent during the first round's DEPLOY, EXIT and destroy (until gone) */
  cpu: Record<string, PhaseCpu>;
  notes: string[];
}

/** cpu seconds the controller and the agent used during a phase */
interface PhaseCpu {
  controller: number;
  agent: number;
}

/**
 * Runs one measured phase: the cpu the controller and the agent used in it, and their CPU
 * profiles when the run profiles (--profile).
 */
async function phase<T>(
  ctx: BenchContext,
  stack: Stack,
  n: number,
  name: string,
  profiles: ProfileSummary[],
  cpu: Record<string, PhaseCpu>,
  body: () => Promise<T>,
): Promise<T> {
  const who = ['controller', 'agent-1'];
  const profilers: RemoteProfiler[] = ctx.profile ? [await stack.profiler(), await stack.profiler('agent-1')] : [];
  for (const p of profilers) await p.start();
  const meters = [new CpuMeter([stack.controllerPid]), new CpuMeter(stack.agentPids)];
  try {
    return await body();
  } finally {
    const [controller, agent] = meters.map((m) => m.read().cpuSeconds);
    cpu[name] = { controller: controller!, agent: agent! };
    for (const [i, p] of profilers.entries()) {
      const file = path.join(ctx.profileDir, `peers-${n}-${name}-${who[i]}.cpuprofile`);
      profiles.push(summarizeProfile(await p.stop(), `peers ${n} basic tasks, ${who[i]}: ${name}`, file, ctx.root));
      p.close();
    }
  }
}

async function baton(ctx: BenchContext, n: number, rounds: number, profiles: ProfileSummary[]): Promise<BatonRun> {
  const stack = await Stack.up({ agents: 1, profile: ctx.profile });
  const notes: string[] = [];
  const cpu: Record<string, PhaseCpu> = {};
  const c = stack.client;
  const pidsOf = async (envId: string) => {
    const tasks = (await c.unary<{ tasks: Task[] }>('listTasks', ListTasksRequest.fromPartial({ envId }))).tasks;
    const pids = tasks.map((t) => t.pid).filter((p) => p > 0);
    for (const p of pids) stack.taskPids.add(p);
    return pids;
  };
  try {
    let placeAfterMs = 0;
    const done: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      // the first round's phases are the ones whose cpu is read and that are profiled
      const measured = <T>(name: string, body: () => Promise<T>) => (r === 0 ? phase(ctx, stack, n, name, profiles, cpu, body) : body());
      ctx.load(`floor, round ${r + 1}`);
      const f = await floor(n);
      ctx.log(`round ${r + 1}: floor: ${n} spawned in ${f.upMs.toFixed(0)} ms, signalled and reaped in ${f.downMs.toFixed(0)} ms`);
      const env = await c.create('bench-plain', { tasks: String(n) });
      ctx.load(`baton up, round ${r + 1}`);
      const up = await measured('DEPLOY', () => c.transition(env.id, 'DEPLOY', 300_000));
      const pids = await pidsOf(env.id);
      if (living(pids).length !== n) throw new Error(`baton: ${living(pids).length} of ${n} processes alive after DEPLOY`);
      ctx.log(`round ${r + 1}: baton: ${n} up in ${up.ms.toFixed(0)} ms`);
      ctx.load(`baton down, round ${r + 1}`);
      const t0 = performance.now();
      const exit = await measured('EXIT', async () => {
        const reply = await c.transition(env.id, 'EXIT', 300_000);
        await untilGone(pids, 120_000, 'baton EXIT');
        return reply;
      });
      const exitMs = performance.now() - t0;
      ctx.log(`round ${r + 1}: baton: ${n} down in ${exitMs.toFixed(0)} ms (EXIT replied after ${exit.ms.toFixed(0)} ms)`);
      if (r === 0) {
        const t1 = performance.now();
        const next = await c.create('bench-plain', { tasks: '2' });
        await c.transition(next.id, 'DEPLOY', 60_000);
        placeAfterMs = performance.now() - t1;
        const info = await c.info();
        if (info.nodesUp !== info.nodesTotal) notes.push(`after EXIT only ${info.nodesUp} of ${info.nodesTotal} node(s) were up`);
        await c.transition(next.id, 'EXIT', 60_000);
        await c.unary('destroyEnvironment', { id: next.id, force: false }, 60_000);
      }
      await c.unary('destroyEnvironment', { id: env.id, force: false }, 120_000);
      // destroy of running tasks: the same kill, without an EXIT first
      const doomed = await c.create('bench-plain', { tasks: String(n) });
      await c.transition(doomed.id, 'DEPLOY', 300_000);
      const doomedPids = await pidsOf(doomed.id);
      await sleep(1000);
      ctx.load(`baton destroy, round ${r + 1}`);
      const t2 = performance.now();
      await measured('destroy', async () => {
        await c.unary('destroyEnvironment', { id: doomed.id, force: false }, 300_000);
        await untilGone(doomedPids, 120_000, 'baton destroy');
      });
      const destroyMs = performance.now() - t2;
      ctx.log(`round ${r + 1}: baton: ${n} destroyed in ${destroyMs.toFixed(0)} ms`);
      done.push({ floorUpMs: f.upMs, floorDownMs: f.downMs, deployMs: up.ms, exitMs, exitReplyMs: exit.ms, destroyMs });
    }
    ctx.log(
      `baton: cpu s (controller/agent) of round 1: DEPLOY ${cpu.DEPLOY!.controller}/${cpu.DEPLOY!.agent}, EXIT ${cpu.EXIT!.controller}/${cpu.EXIT!.agent}, destroy ${cpu.destroy!.controller}/${cpu.destroy!.agent}`,
    );
    return { rounds: done, placeAfterMs, cpu, notes };
  } finally {
    const d = await stack.down();
    notes.push(...teardownNotes(d, 'baton: '));
  }
}

async function supervisord(ctx: BenchContext, n: number): Promise<UpDown> {
  const s = await Supervisor.start(n, COMMAND, ARGS, TERM_MS);
  try {
    ctx.load('supervisord up');
    const t0 = performance.now();
    const running = await s.all('start', 'RUNNING');
    const upMs = performance.now() - t0;
    const pids = running.map((p) => p.pid);
    if (living(pids).length !== n) throw new Error(`supervisord: ${living(pids).length} of ${n} processes alive after start all`);
    ctx.log(`supervisord: ${n} up in ${upMs.toFixed(0)} ms`);
    ctx.load('supervisord down');
    const t1 = performance.now();
    await s.all('stop', 'STOPPED');
    await untilGone(pids, 120_000, 'supervisord stop all');
    const downMs = performance.now() - t1;
    ctx.log(`supervisord: ${n} down in ${downMs.toFixed(0)} ms`);
    return { upMs, downMs };
  } finally {
    await s.stop();
  }
}

export const peers: Benchmark = {
  name: 'peers',
  title: 'Baton vs supervisord: N plain processes (/bin/sleep) up and down, against the spawn/kill floor',
  async run(ctx): Promise<BenchOutput> {
    const n = ctx.smoke ? 50 : Number(process.env.BATON_BENCH_PEERS_N) || 1000;
    const rounds = ctx.smoke ? 1 : Number(process.env.BATON_BENCH_PEERS_ROUNDS) || ROUNDS;
    if (!Supervisor.installed()) throw new Error('supervisord is not installed (apt-get install supervisor; .ci/run installs it)');
    const profiles: ProfileSummary[] = [];
    const b = await baton(ctx, n, rounds, profiles);
    const s = await supervisord(ctx, n);
    const targeted = !ctx.smoke && n === 1000;
    const sec = (ms: number) => round(ms / 1000, 2);
    const count = n.toLocaleString('en');
    const rs = b.rounds;
    const floorUpMs = median(rs.map((r) => r.floorUpMs));
    const deployMs = median(rs.map((r) => r.deployMs));
    const upRatios = rs.map((r) => round(r.deployMs / r.floorUpMs, 2));
    const floorDownMs = median(rs.map((r) => r.floorDownMs));
    const exitMs = median(rs.map((r) => r.exitMs));
    const destroyMs = median(rs.map((r) => r.destroyMs));
    const exitRatios = rs.map((r) => round(r.exitMs / r.floorDownMs, 2));
    const destroyRatios = rs.map((r) => round(r.destroyMs / r.floorDownMs, 2));
    const ofRounds = rs.length > 1 ? `median of ${rs.length} rounds` : 'one round';
    const floorUp = { value: sec(floorUpMs), unit: 's', what: `${count} x ${COMMAND} spawned from one Node process (each its own group; ${ofRounds})` };
    const floorDown = { value: sec(floorDownMs), unit: 's', what: `${count} groups signalled (SIGTERM) and reaped by one Node process (${ofRounds})` };
    const figures: Figure[] = [
      figure('floor.up', `floor: spawn ${count} plain processes (${ofRounds})`, sec(floorUpMs), 's'),
      figure('floor.down', `floor: signal and reap ${count} plain processes (${ofRounds})`, sec(floorDownMs), 's'),
      figure('baton.up', `Baton: DEPLOY of ${count} basic tasks (one agent; ${ofRounds})`, sec(deployMs), 's', { floor: floorUp }),
      figure('baton.down', `Baton: EXIT of ${count} basic tasks until every process is gone (/proc; ${ofRounds})`, sec(exitMs), 's', {
        floor: floorDown,
        note: `EXIT replied after ${rs.map((r) => sec(r.exitReplyMs)).join(', ')} s`,
      }),
      figure('baton.destroy', `Baton: destroy of ${count} running basic tasks until every process is gone (/proc; ${ofRounds})`, sec(destroyMs), 's', {
        floor: floorDown,
      }),
      figure('supervisord.up', `supervisord: start all (${count} programs) until all RUNNING`, sec(s.upMs), 's', { floor: floorUp }),
      figure('supervisord.down', `supervisord: stop all until all STOPPED and gone (/proc)`, sec(s.downMs), 's', { floor: floorDown }),
      figure('baton.up.ratio.floor', `Baton up / floor (${ofRounds}, each against its own floor)`, median(upRatios), 'x', {
        target: targeted ? atMost(2, '<= 2x floor') : undefined,
        note: `rounds: ${upRatios.join(', ')}`,
      }),
      figure('baton.down.ratio.floor', `Baton down / floor (${ofRounds}, each against its own floor)`, median(exitRatios), 'x', {
        target: targeted ? atMost(2, '<= 2x floor') : undefined,
        note: `rounds: ${exitRatios.join(', ')}`,
      }),
      figure('baton.destroy.ratio.floor', `Baton destroy / floor (${ofRounds}, each against its own floor)`, median(destroyRatios), 'x', {
        target: targeted ? atMost(2, '<= 2x floor') : undefined,
        note: `rounds: ${destroyRatios.join(', ')}`,
      }),
      figure('baton.up.ratio.supervisord', `Baton up / supervisord up`, round(deployMs / s.upMs, 2), 'x', {
        target: targeted ? atMost(1, '< supervisord') : undefined,
      }),
      figure('baton.down.ratio.supervisord', `Baton down / supervisord down`, round(exitMs / s.downMs, 2), 'x', {
        target: targeted ? atMost(1, '< supervisord') : undefined,
      }),
      figure('baton.placeAfterExit', `Baton: a new 2-task environment created and deployed right after the EXIT`, sec(b.placeAfterMs), 's'),
    ];
    return {
      ok: b.notes.every((x) => !x.includes('left behind')) && !b.notes.some((x) => x.startsWith('after EXIT')),
      figures,
      details: { tasks: n, rounds, baton: b, supervisord: s },
      profiles: profiles.length ? profiles : undefined,
      notes: [
        ...b.notes,
        `supervisord programs: startsecs=0 (its default of 1 s is a wait, not its speed), stopwaitsecs=${TERM_MS / 1000} like the tasks' kill.term, stopasgroup and killasgroup like Baton's group kills; logs to files in both`,
        'the floor is a fresh Node process that spawns the processes back to back, then SIGTERMs every group and waits for every exit; it runs before each round, with the stack up and idle',
      ],
    };
  },
};
