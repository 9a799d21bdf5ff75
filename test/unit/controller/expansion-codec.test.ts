// An expansion crosses from a workflow worker as packed JSON bytes: it decodes to the same
// workflow, its tasks share their spec's nested objects, and the store gets the packed text
// once (the create), never for an expansion changed since (an exclusion's rewrite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import { decodeExpansion, encodeExpansion } from '../../../core/controller/workers/expansion-codec.js';
import { packedJson, packExpanded, unpackExpanded } from '../../../core/store/pack.js';
import { PACKAGE_ROOT } from '../../bench/stack.js';
import path from 'node:path';

const loader = createWorkflowLoader({ repos: [path.join(PACKAGE_ROOT, 'assets')], batonRoot: PACKAGE_ROOT });

test('a sim farm decodes to the expansion the worker made, with shared specs', async () => {
  const expanded = await loader.expand('sim-farm', { tasks: '300' });
  const bytes = encodeExpansion(expanded);
  assert.equal(bytes.byteOffset, 0);
  assert.equal(bytes.byteLength, bytes.buffer.byteLength, 'a buffer of its own, safe to move');
  const decoded = await decodeExpansion(bytes);
  assert.deepEqual(decoded, JSON.parse(JSON.stringify(expanded)));
  assert.equal(decoded.tasks.length, 300);
  assert.notEqual(decoded.tasks[0], decoded.tasks[1]);
  assert.equal(decoded.tasks[0]!.constraints, decoded.tasks[299]!.constraints, 'nested objects are shared');
});

test('the store gets the packed text once, then packs what changed', async () => {
  const decoded = await decodeExpansion(encodeExpansion(await loader.expand('sim-farm', { tasks: '3' })));
  const first = packedJson(decoded);
  assert.deepEqual(unpackExpanded(JSON.parse(first)), decoded);
  decoded.root.children[0]!.enabled = false; // an exclusion, stored again
  const second = packedJson(decoded);
  assert.equal(second, JSON.stringify(packExpanded(decoded)));
  assert.equal((unpackExpanded(JSON.parse(second)) as typeof decoded).root.children[0]!.enabled, false);
});

test('a large expansion decodes in slices, with a pause between them, to the same tasks', async () => {
  const expanded = await loader.expand('sim-farm', { tasks: '50000' });
  const bytes = encodeExpansion(expanded);
  let pauses = 0;
  const decoded = await decodeExpansion(bytes, async () => {
    pauses++;
  });
  // the unpacking, 20,000 tasks at a time (the farm's packed text is a few numbered runs: its
  // parse has no large array to cut; piecewise-json.test.ts covers texts that have)
  assert.ok(pauses >= Math.ceil(50_000 / 20_000), `decoded with ${pauses} pauses`);
  assert.deepEqual(decoded, await decodeExpansion(encodeExpansion(expanded)));
  assert.equal(decoded.tasks.length, 50_000);
  assert.equal(decoded.tasks[49_999]!.name, expanded.tasks[49_999]!.name);
});
