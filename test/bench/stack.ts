// A local stack for one benchmark, started as a user starts it (`baton local up`: a controller
// and agents, each its own OS process) in a temp BATON_HOME, and torn down with `local down`
// plus a check that no process of it is left. Every stack started here is tracked, so that an
// interrupted run still tears down what it started.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localDown, localUp, type LocalState } from '../../core/local/index.js';
import { findLeftovers, isAlive } from '../../core/local/procs.js';
import { BenchClient } from './client.js';
import { RemoteProfiler } from './profile.js';

/** the package root: this file runs from dist/test/bench/ */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** the benchmarks' template repo (workflows bench-demo, bench-chatty) */
export const BENCH_REPO = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'bench-repo');

export interface StackOptions {
  agents?: number;
  simAgents?: number;
  /** attach a CPU profiler to the controller on demand (see Stack.profiler) */
  profile?: boolean;
  timeoutMs?: number;
}

const live = new Set<Stack>();

export class Stack {
  readonly client: BenchClient;
  private downed = false;
  /** pids of task processes seen while the stack ran: checked dead after down */
  readonly taskPids = new Set<number>();

  private constructor(
    readonly home: string,
    readonly state: LocalState,
    readonly upMs: number,
    readonly profiled: boolean,
  ) {
    this.client = new BenchClient(state.controller.address, state.token);
  }

  static async up(opts: StackOptions): Promise<Stack> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
    // --inspect-port=0 only chooses a free port for an inspector activated later (SIGUSR1); it
    // costs nothing until then. It reaches every process local up starts (and their tasks).
    const savedOptions = process.env.NODE_OPTIONS;
    if (opts.profile) process.env.NODE_OPTIONS = `${savedOptions ?? ''} --inspect-port=0`.trim();
    try {
      const r = await localUp({
        home,
        agents: opts.agents ?? 0,
        simAgents: opts.simAgents ?? 0,
        repos: [BENCH_REPO],
        timeoutMs: opts.timeoutMs ?? 120_000 + (opts.simAgents ?? 0) * 200,
      });
      const s = new Stack(home, r.state, r.durationMs, !!opts.profile);
      live.add(s);
      return s;
    } catch (e) {
      fs.rmSync(home, { recursive: true, force: true });
      throw e;
    } finally {
      if (opts.profile) {
        if (savedOptions === undefined) delete process.env.NODE_OPTIONS;
        else process.env.NODE_OPTIONS = savedOptions;
      }
    }
  }

  get controllerPid(): number {
    return this.state.controller.pid;
  }

  get agentPids(): number[] {
    return this.state.agents.map((a) => a.pid);
  }

  get simPids(): number[] {
    return this.state.simAgents.map((a) => a.pid);
  }

  /** the pid of the agent process that runs node `name` */
  agentPidOf(node: string): number {
    const a = this.state.agents.find((x) => x.name === node);
    if (a) return a.pid;
    const s = this.state.simAgents.find((x) => x.nodes.some((n) => n.name === node));
    return s?.pid ?? 0;
  }

  /** a CPU profiler on the controller, or on the agent (or sim-agent) process named (stack started with profile: true) */
  async profiler(agent?: string): Promise<RemoteProfiler> {
    if (!this.profiled) throw new Error('this stack was not started with profile: true');
    if (!agent) return RemoteProfiler.attach(this.controllerPid, this.state.controller.log);
    const a = this.state.agents.find((x) => x.name === agent) ?? this.state.simAgents.find((x) => x.name === agent);
    if (!a) throw new Error(`no agent ${agent} in this stack`);
    return RemoteProfiler.attach(a.pid, a.log);
  }

  /**
   * `local down`, then checks that nothing of the stack is left (leftovers); `swept` are processes
   * that outlived the environments' destroy and were killed by local down's /proc sweep. Removes
   * the temp home when nothing is left.
   */
  async down(): Promise<{ downMs: number; leftovers: string[]; swept: string[] }> {
    if (this.downed) return { downMs: 0, leftovers: [], swept: [] };
    this.downed = true;
    live.delete(this);
    this.client.close();
    const t0 = performance.now();
    const report = await localDown({ home: this.home });
    const downMs = performance.now() - t0;
    const leftovers: string[] = [
      ...report.remaining.map((p) => `pid ${p} (still alive after local down)`),
      ...findLeftovers(this.home, []).map((l) => `pid ${l.proc.pid} (${l.reason})`),
      ...[...this.taskPids].filter(isAlive).map((p) => `task pid ${p} still alive`),
    ];
    const swept = report.leftovers.map((l) => `pid ${l.pid} (${l.reason}): ${l.command}`);
    if (!leftovers.length) fs.rmSync(this.home, { recursive: true, force: true });
    return { downMs, leftovers, swept };
  }
}

/** what a teardown left (or needed the sweep for), as notes; empty when clean */
export function teardownNotes(d: { leftovers: string[]; swept: string[] }, what = ''): string[] {
  const list = (xs: string[]) => `${xs.slice(0, 3).join('; ')}${xs.length > 3 ? ` and ${xs.length - 3} more` : ''}`;
  return [
    ...(d.leftovers.length ? [`${what}left behind after local down: ${list(d.leftovers)}`] : []),
    ...(d.swept.length
      ? [`${what}${d.swept.length} process(es) outlived the environment's destroy and were killed by local down's /proc sweep: ${list(d.swept)}`]
      : []),
  ];
}

/** Tears down every stack still up (an interrupted or failed run). */
export async function downAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.down().catch(() => {})));
}
