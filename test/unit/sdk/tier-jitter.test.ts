// The SDK's tier-up jitter: identical task processes must not have V8 optimize the same function
// after the same number of calls. Each child below calls one function until V8 decides to optimize it
// to (--allow-natives-syntax, in the children only, to ask V8) and reports how many calls it took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { jitterTierUp } from '../../../core/sdk/tier-jitter.js';

const run = promisify(execFile);
const JITTER_MODULE = fileURLToPath(new URL('../../../core/sdk/tier-jitter.js', import.meta.url));
const MEASURED_V8 = process.versions.v8.startsWith('11.');

test('the budget is 0.5 to 1.5 times V8 11\'s default; an unknown V8 is left alone', () => {
  assert.equal(jitterTierUp(() => 0, '11.3.244.8'), 33 * 1024);
  assert.equal(jitterTierUp(() => 0.999999, '11.3.244.8'), Math.round(66 * 1024 * 1.499999));
  assert.equal(jitterTierUp(() => 0.5, '12.4.254.21'), 0);
  jitterTierUp(() => 0.5, '11.0.0'); // back to the default for this process
});

test('processes started alike have the same function optimized after different numbers of calls',
  { skip: MEASURED_V8 ? false : `V8 ${process.versions.v8}: the jitter only acts on V8 11` }, async () => {
    const script = `import { jitterTierUp } from ${JSON.stringify(JITTER_MODULE)};
      if (process.argv[1] === 'jitter') jitterTierUp();
      let calls = 0;
      function add(a) { calls++; let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; }
      const a = [1, 2, 3];
      // optimized, or marked for it (the compile itself runs in the background, for a varying while)
      const DECIDED = 16 | 256 | 512 | 1024;
      while (!(%GetOptimizationStatus(add) & DECIDED) && calls < 1e7) add(a);
      console.log(calls);`;
    const callsUntilOptimized = (mode: string) => Promise.all(Array.from({ length: 6 }, async () => {
      const { stdout } = await run(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script, mode]);
      return Number(stdout.trim());
    }));
    const [plain, jittered] = await Promise.all([callsUntilOptimized('plain'), callsUntilOptimized('jitter')]);
    const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / Math.min(...xs);
    assert.ok(spread(plain) < 0.05, `without the jitter the children agree: ${plain.join(', ')}`);
    assert.ok(new Set(jittered).size >= 4 && spread(jittered) > 0.2, `with it they differ: ${jittered.join(', ')}`);
  });
