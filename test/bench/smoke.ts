// Each benchmark at smoke size (seconds), so that they cannot rot: it must complete with the
// right final state and leave no process behind. Never a timing assertion: `npm run bench` measures.
// The benchmarks are split over a few test files (smoke-*.test.ts, each a group below), so that
// no file runs for minutes and the runner can run two of them at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBench } from './bench.js';
import { BENCHMARKS } from './benches/index.js';
import { PACKAGE_ROOT } from './stack.js';

/** the smoke test files and the benchmarks each runs; every benchmark is in one (checked) */
export const SMOKE_GROUPS: Record<string, string[]> = {
  scale: ['farm', 'procs', 'latency', 'events'],
  operators: ['console', 'peers', 'hostile'],
  remote: ['remote', 'failover'],
};

/** the console benchmark needs Debian's Chromium and the built console: missing, it fails saying so */
function missing(name: string): string | undefined {
  if (name !== 'console') return undefined;
  if (!fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium is not installed (apt-get install chromium)';
  if (!fs.existsSync(path.join(PACKAGE_ROOT, 'dist-renderer', 'index.html'))) return 'dist-renderer/ is not built (npm run build)';
  return undefined;
}

/** the smoke tests of one group, with a temp folder of their own */
export function smokeTests(group: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-smoke-'));
  for (const name of SMOKE_GROUPS[group]!) {
    const b = BENCHMARKS.find((x) => x.name === name);
    if (!b) throw new Error(`smoke group ${group}: no benchmark ${name}`);
    smokeTest(b, dir);
  }
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
}

function smokeTest(b: (typeof BENCHMARKS)[number], dir: string): void {
  test(`bench ${b.name} completes at smoke size with a correct final state`, { timeout: 300_000 }, async () => {
    const why = missing(b.name);
    assert.equal(why, undefined, `bench ${b.name} cannot run: ${why}`);
    const r = await runBench(b, {
      smoke: true,
      profile: false,
      profileDir: path.join(dir, 'profiles'),
      root: PACKAGE_ROOT,
      command: `smoke test ${b.name}`,
      quiet: true,
    });
    assert.equal(r.ok, true, `${b.name}: ${r.notes.join('\n')}`);
    assert.ok(r.figures.length > 0, `${b.name} reported no figures`);
    for (const f of r.figures) assert.ok(Number.isFinite(f.value), `${b.name}: ${f.label} is ${f.value}`);
  });
}
