// The SDK's GC jitter: identical task processes must start at different points of their
// young-generation cycle, so that they do not all collect in the same transition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { jitterYoungGeneration } from '../../../sdk/node/gc-jitter.js';

const run = promisify(execFile);
const JITTER_MODULE = fileURLToPath(new URL('../../../sdk/node/gc-jitter.js', import.meta.url));

const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!;

test('it fills the asked fraction of the free young generation, and nothing when asked for none', () => {
  assert.ok(jitterYoungGeneration(() => 0) < 4096, 'a zero draw allocates (almost) nothing');
  // start from an emptier young generation so that half of it cannot trigger a collection
  const free = newSpace().space_available_size;
  const used = jitterYoungGeneration(() => 0.5);
  assert.ok(used > free * 0.3 && used < free * 0.7, `asked for half of ${free} free bytes, allocated ${used}`);
});

test('processes started alike are left at different points of their GC cycle', async () => {
  // each child reports how full its young generation is right after the jitter; without it,
  // children of the same program report (nearly) the same figure
  const script = `import { getHeapSpaceStatistics } from 'node:v8';
    import { jitterYoungGeneration } from ${JSON.stringify(JITTER_MODULE)};
    if (process.argv[1] === 'jitter') jitterYoungGeneration();
    const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    console.log(s.space_used_size);`;
  const fill = async (mode: string) => {
    const out: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, mode]);
      out.push(Number(stdout.trim()));
    }
    return out;
  };
  const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
  const plain = await fill('plain');
  const jittered = await fill('jitter');
  assert.ok(spread(plain) < 64 * 1024, `without the jitter the children are alike: ${plain.join(', ')}`);
  assert.ok(spread(jittered) > 4 * spread(plain) && spread(jittered) > 128 * 1024,
    `with the jitter they are spread out: ${jittered.join(', ')} (without: ${plain.join(', ')})`);
});
