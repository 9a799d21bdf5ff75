// npm run chaos: the chaos suite, bounded by count and time, writes bench-results/chaos.json.
//   --count N (or CHAOS_COUNT; default 1000)      faults to inject
//   --minutes M (or CHAOS_MINUTES; default 30)    stop starting faults after this long
//   --seed S (or CHAOS_SEED)                      replay a run's choices
//   --grace MS, --heartbeat MS                    the controller's agent-loss grace and heartbeat timeout
//   --long-stops N (or CHAOS_LONG_STOPS)          SIGSTOPs of 13.5-40 s on one loop (default 4 when
//                                                 --count >= 500, else 0); the grace is then 45 s
//                                                 unless --grace says otherwise
//   --out FILE                                    where to write the results ('-': nowhere)
//   --verbose                                     a line per fault
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos } from './runner.js';
import { writeResults } from './results.js';
import { ROOT } from './stack.js';
import { LONG_STOP_GRACE_MS } from './faults/agent-long-stop.js';

const USAGE = 'usage: npm run chaos -- [--count N] [--minutes M] [--seed S] [--grace MS] [--heartbeat MS] [--long-stops N] [--out FILE] [--verbose]';

function parseOptions() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (e) {
    // an unknown or malformed option: say which, and how to call it, without a stack trace
    console.error(`chaos: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const OPTIONS = {
  count: { type: 'string' },
  minutes: { type: 'string' },
  seed: { type: 'string' },
  grace: { type: 'string' },
  heartbeat: { type: 'string' },
  'long-stops': { type: 'string' },
  out: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

const values = parseOptions();

function num(v: string | undefined, fallback: number, what: string): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`chaos: ${what} must be a positive number, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
}

const count = num(values.count ?? process.env.CHAOS_COUNT, 1000, '--count');
const minutes = num(values.minutes ?? process.env.CHAOS_MINUTES, 30, '--minutes');
const seed = num(values.seed ?? process.env.CHAOS_SEED, Date.now() % 2 ** 31, '--seed');
const longStopsArg = values['long-stops'] ?? process.env.CHAOS_LONG_STOPS;
const longStops = longStopsArg === '0' ? 0 : Math.floor(num(longStopsArg, count >= 500 ? 4 : 0, '--long-stops'));
// a 40 s stop within the grace needs a grace above 40 s; without long stops the faults stay short
const times = {
  agentLossGraceMs: num(values.grace, longStops ? LONG_STOP_GRACE_MS : 15_000, '--grace'),
  heartbeatTimeoutMs: num(values.heartbeat, 2000, '--heartbeat'),
};
const out = values.out ?? path.join(ROOT, 'bench-results', 'chaos.json');

// a hard stop: the run must end by itself even if something hangs
const hardStop = setTimeout(
  () => {
    console.error('chaos: hard time limit reached; exiting');
    process.exit(3);
  },
  minutes * 60_000 + 180_000,
);
hardStop.unref();

const results = await runChaos({
  count,
  timeLimitMs: minutes * 60_000,
  seed,
  times,
  command: `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim(),
  verbose: values.verbose,
  longStops,
});
if (out !== '-') writeResults(results, out);
const fam = Object.entries(results.families)
  .map(([k, f]) => `${k} ${f.count} (${f.failures} failed)`)
  .join(', ');
console.log(`chaos: ${results.faults} faults in ${(results.durationMs / 1000).toFixed(0)} s (seed ${seed}): ${fam}`);
console.log(`chaos: failures by check: ${JSON.stringify(results.totals)}`);
console.log(`chaos: log disk: ${results.logDisk.how}`);
if (out !== '-') console.log(`chaos: results in ${path.relative(process.cwd(), out)}`);
process.exit(results.ok ? 0 : 1);
