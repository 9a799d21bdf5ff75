// The SDK's tier-up jitter: identical task processes must not have V8 optimize the same function
// after the same number of calls. Each child below calls one function until V8 decides to optimize it
// to (--allow-natives-syntax, in the children only, to ask V8) and reports how many calls it took;
// for Node's own helpers, which the children cannot name, V8's --trace-opt says when.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { HELPER_CALLS, jitterNodeHelpers, jitterTierUp } from '../../../sdk/node/tier-jitter.js';

const run = promisify(execFile);
const JITTER_MODULE = fileURLToPath(new URL('../../../sdk/node/tier-jitter.js', import.meta.url));
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

test('Node\'s helpers: a random number of calls, up to the limit, and nothing when asked for none', () => {
  assert.deepEqual(jitterNodeHelpers(() => 0), { buffers: 0, validations: 0 });
  assert.deepEqual(jitterNodeHelpers(() => 0.999999), { buffers: HELPER_CALLS.buffers - 1, validations: HELPER_CALLS.validations - 1 });
  assert.deepEqual(jitterNodeHelpers(() => 0.5), { buffers: HELPER_CALLS.buffers / 2, validations: HELPER_CALLS.validations / 2 });
});

test('processes started alike have Node\'s FastBuffer optimized after different numbers of buffers',
  { skip: MEASURED_V8 ? false : `V8 ${process.versions.v8}: measured on V8 11 only` }, async () => {
    // batches of 100 Buffer.allocUnsafe, each followed by its number: the batch before V8's
    // "compiling method ... FastBuffer" line is when it was optimized (0: before the first batch)
    const script = `import { writeSync } from 'node:fs';
      import { jitterNodeHelpers } from ${JSON.stringify(JITTER_MODULE)};
      if (process.argv[1] === 'jitter') jitterNodeHelpers();
      writeSync(1, 'batch 0\\n');
      for (let i = 1; i <= 100; i++) { for (let j = 0; j < 100; j++) Buffer.allocUnsafe(8); writeSync(1, 'batch ' + i + '\\n'); }`;
    const batchOfTierUp = (mode: string) => Promise.all(Array.from({ length: 6 }, async () => {
      const { stdout } = await run(process.execPath, ['--trace-opt', '--input-type=module', '-e', script, mode]);
      let batch = -1;
      for (const line of stdout.split('\n')) {
        if (line.startsWith('batch ')) batch = Number(line.slice(6));
        else if (/compiling method .*<JSFunction FastBuffer /.test(line)) return batch;
      }
      return Infinity;
    }));
    const [plain, jittered] = await Promise.all([batchOfTierUp('plain'), batchOfTierUp('jitter')]);
    assert.ok(plain.every((b) => b === plain[0] && b > 0 && b < Infinity), `without the jitter the children agree: ${plain.join(', ')}`);
    assert.ok(jittered.every((b) => b <= plain[0]!), `the jitter only brings it earlier: ${jittered.join(', ')} against ${plain[0]}`);
    // (a child whose count fell under one batch, 100 buffers, stays in the plain batch)
    assert.ok(jittered.filter((b) => b < plain[0]!).length >= 3, `and does in most children: ${jittered.join(', ')} against ${plain[0]}`);
  });
