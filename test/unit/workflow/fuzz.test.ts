// Fuzz: thousands of generated and mutated templates through expand and lint. Only BatonError
// (BAD_TEMPLATE with file:line:col, BAD_INPUT, NOT_FOUND) may come out, and nothing may hang: the
// cases run in a worker that is stopped if a case takes too long.
// FUZZ_SEED and FUZZ_COUNT reproduce or widen a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ASSETS, BAD_REPO, GOOD_REPO, LINT_REPO, ROOT, tmpDir } from './helpers.js';

const seed = Number(process.env.FUZZ_SEED ?? 20240611);
const count = Number(process.env.FUZZ_COUNT ?? 3000);
/** a single case that takes this long is a hang */
const CASE_LIMIT_MS = 15_000;

test(`fuzz: ${count} templates (seed ${seed}) give only BatonErrors and never hang`, { timeout: 15 * 60_000 }, async () => {
  const dir = tmpDir();
  const problems: { problem: string; text: string }[] = [];
  let last = { started: -1, label: '' };
  let done = 0;
  const t0 = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), {
        workerData: { seed, count, dir, root: ROOT, seeds: [ASSETS, GOOD_REPO, BAD_REPO, LINT_REPO] },
        resourceLimits: { maxOldGenerationSizeMb: 1024 },
      });
      let lastAt = Date.now();
      const watchdog = setInterval(() => {
        if (Date.now() - lastAt > CASE_LIMIT_MS) {
          clearInterval(watchdog);
          void worker.terminate();
          reject(new Error(`hang: ${last.label} ran for more than ${CASE_LIMIT_MS} ms`));
        }
      }, 500);
      worker.on(
        'message',
        (m: { started?: number; label?: string; problem?: string; text?: string; done?: number; slow?: string; outcomes?: Record<string, number> }) => {
          lastAt = Date.now();
          if (m.slow) console.log(`# slow case: ${m.slow}`);
          if (m.outcomes) console.log(`# fuzz outcomes: ${JSON.stringify(m.outcomes)}`);
          if (m.started !== undefined) last = { started: m.started, label: m.label ?? '' };
          if (m.problem) problems.push({ problem: m.problem, text: m.text ?? '' });
          if (m.done !== undefined) done = m.done;
        },
      );
      worker.on('error', (e) => {
        clearInterval(watchdog);
        reject(new Error(`worker died in ${last.label}: ${e.message}`));
      });
      worker.on('exit', () => {
        clearInterval(watchdog);
        resolve();
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`# fuzz: ${done} cases in ${Date.now() - t0} ms`);
  if (problems.length) {
    const shown = problems
      .slice(0, 5)
      .map((p) => `${p.problem}\n--- template ---\n${p.text.slice(0, 1500)}`)
      .join('\n\n');
    assert.fail(`${problems.length} problems (seed ${seed}); first ones:\n${shown}`);
  }
  assert.equal(done, count);
});
