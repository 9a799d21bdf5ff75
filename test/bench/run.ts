// `npm run bench` = build, then this: runs the benchmarks one at a time (real processes, torn
// down after each), writes bench-results/<name>.json and regenerates docs/performance.md.
//   --smoke          small sizes (seconds); results go to $TMPDIR/baton-bench-smoke unless --out is given
//   --only a,b       only these benchmarks (farm, procs, latency, events, console)
//   --profile        CPU-profile the controller during the measured phases; results go to
//                    bench-results/profiles/<name>.json (the figures in <name>.json stay unprofiled)
//   --out <dir>      where the JSON goes
//   --no-doc         do not regenerate docs/performance.md
//   --sizes a,b      only these sizes (the farm's task counts: 10000, 150k, 1M)
// Environment (profiling runs): BATON_BENCH_FARM_SIZES=150000, BATON_BENCH_PROCS_SIZES=250 run only
// these sizes; BATON_BENCH_REPEAT=1 runs each farm size once; BATON_BENCH_LATENCY_AGENTS=n puts
// the latency benchmark's tasks on n agents (default 4).
import os from 'node:os';
import path from 'node:path';
import { runBench, type Benchmark } from './bench.js';
import { BENCHMARKS } from './benches/index.js';
import { writePerformanceDoc } from './doc.js';
import { loadavg } from './machine.js';
import { writeResult } from './results.js';
import { downAll, PACKAGE_ROOT } from './stack.js';

interface Args {
  smoke: boolean;
  only: string[];
  profile: boolean;
  out?: string;
  doc: boolean;
  sizes?: number[];
}

/** "10000", "150k" or "1M" -> a count; anything else is a usage error */
function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw usage(`--sizes: "${text}" is not a size (e.g. 10000, 150k, 1M)`);
  const n = Math.round(Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]!) ? 1000 : 1_000_000));
  if (n < 1) throw usage(`--sizes: "${text}" must be at least 1`);
  return n;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { smoke: false, only: [], profile: false, doc: true };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--smoke') a.smoke = true;
    else if (v === '--profile') a.profile = true;
    else if (v === '--no-doc') a.doc = false;
    else if (v === '--only' || v === '--out') {
      const val = argv[++i];
      if (!val) throw usage(`${v} needs a value`);
      if (v === '--only') a.only.push(...val.split(',').filter(Boolean));
      else a.out = val;
    } else if (v === '--sizes' || v.startsWith('--sizes=')) {
      const val = v === '--sizes' ? argv[++i] : v.slice(8);
      if (!val) throw usage('--sizes needs a value');
      a.sizes = val.split(',').filter(Boolean).map(parseSize);
    } else if (v.startsWith('--only=')) a.only.push(...v.slice(7).split(',').filter(Boolean));
    else if (v.startsWith('--out=')) a.out = v.slice(6);
    else throw usage(`unknown argument ${v}`);
  }
  const names = BENCHMARKS.map((b) => b.name);
  const bad = a.only.filter((n) => !names.includes(n));
  if (bad.length) throw usage(`unknown benchmark ${bad.join(', ')} (known: ${names.join(', ')})`);
  return a;
}

function usage(msg: string): Error {
  const e = new Error(`bench: ${msg}\nusage: node dist/test/bench/run.js [--smoke] [--only name,...] [--sizes n,...] [--profile] [--out dir] [--no-doc]`);
  (e as Error & { usage: boolean }).usage = true;
  return e;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const results = path.join(PACKAGE_ROOT, 'bench-results');
  const outDir = args.out
    ? path.resolve(args.out)
    : args.smoke
      ? path.join(os.tmpdir(), 'baton-bench-smoke')
      : args.profile
        ? path.join(results, 'profiles')
        : results;
  const profileDir = args.smoke ? path.join(outDir, 'profiles') : path.join(results, 'profiles');
  const command = `node dist/test/bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const chosen: Benchmark[] = args.only.length ? BENCHMARKS.filter((b) => args.only.includes(b.name)) : BENCHMARKS;

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('bench: interrupted; tearing down what was started\n');
    void downAll().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let failed = 0;
  for (const b of chosen) {
    process.stderr.write(`bench: ${b.name} (${args.smoke ? 'smoke' : 'full'}${args.profile ? ', profiled' : ''}), load ${loadavg()}\n`);
    const r = await runBench(b, { smoke: args.smoke, profile: args.profile, profileDir, root: PACKAGE_ROOT, command, sizes: args.sizes });
    const file = writeResult(outDir, r);
    if (!r.ok) failed++;
    process.stderr.write(
      `bench: ${b.name} ${r.ok ? 'completed' : 'FAILED'} in ${(r.durationMs / 1000).toFixed(1)} s -> ${path.relative(process.cwd(), file)}\n`,
    );
    for (const f of r.figures) {
      const t = f.target ? `  target ${f.target.text}: ${f.met ? 'met' : 'MISSED'}` : '';
      const fl = f.floor ? `  (floor ${f.floor.value} ${f.floor.unit})` : '';
      process.stderr.write(`  ${f.label}: ${f.failed ? `failed (${f.failed})` : `${f.value} ${f.unit}`}${fl}${t}\n`);
    }
    for (const n of r.notes) process.stderr.write(`  note: ${n}\n`);
  }
  if (args.doc && !args.smoke) {
    const doc = writePerformanceDoc(PACKAGE_ROOT, results);
    process.stderr.write(`bench: wrote ${path.relative(process.cwd(), doc)}\n`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    void downAll().finally(() => process.exit(1));
  },
);
