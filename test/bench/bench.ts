// The shape of a benchmark and the harness around one run of it: machine, date, command, load,
// duration, and a result even when it fails (ok false, the error in the notes).
import { loadavg, machineInfo } from './machine.js';
import { downAll } from './stack.js';
import type { BenchResult, Figure } from './results.js';
import type { ProfileSummary } from './profile.js';

export interface BenchContext {
  smoke: boolean;
  /** take CPU profiles of the controller during the measured phases */
  profile: boolean;
  /** where .cpuprofile files go */
  profileDir: string;
  root: string;
  /** --sizes: the sizes to run (a benchmark with sizes runs only these) */
  sizes?: number[];
  log(message: string): void;
  /** records /proc/loadavg under a label (call before each measured part) */
  load(label: string): void;
}

export interface BenchOutput {
  ok: boolean;
  figures: Figure[];
  details: Record<string, unknown>;
  notes: string[];
  profiles?: ProfileSummary[];
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchOutput>;
}

export async function runBench(
  b: Benchmark,
  opts: { smoke: boolean; profile: boolean; profileDir: string; root: string; command: string; quiet?: boolean; sizes?: number[] },
): Promise<BenchResult> {
  const load: Record<string, string> = {};
  const t0 = performance.now();
  const ctx: BenchContext = {
    smoke: opts.smoke,
    profile: opts.profile,
    profileDir: opts.profileDir,
    root: opts.root,
    sizes: opts.sizes,
    log: (m) => {
      if (!opts.quiet) process.stderr.write(`[${b.name} ${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
    },
    load: (label) => {
      load[label] = loadavg();
    },
  };
  ctx.load('start');
  let out: BenchOutput;
  try {
    out = await b.run(ctx);
  } catch (e) {
    const err = e as Error;
    out = { ok: false, figures: [], details: {}, notes: [`failed: ${err.message}`, ...(err.stack ? [err.stack.split('\n').slice(1, 6).join(' | ')] : [])] };
  } finally {
    await downAll();
  }
  ctx.load('end');
  return {
    name: b.name,
    title: b.title,
    size: opts.smoke ? 'smoke' : 'full',
    command: opts.command,
    date: new Date().toISOString(),
    machine: machineInfo(),
    load,
    durationMs: Math.round(performance.now() - t0),
    ok: out.ok,
    figures: out.figures,
    details: out.details,
    notes: out.notes,
    profiles: out.profiles,
    profiled: opts.profile || undefined,
  };
}
