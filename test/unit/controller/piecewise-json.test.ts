// JSON written in pieces is the text JSON.stringify gives, and it reads back to the value
// JSON.parse gives, whatever holds the large arrays (the top, an object, an array of objects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPiecewise, writePiecewise } from '../../../core/controller/workers/piecewise-json.js';

const range = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));

const samples: Record<string, unknown> = {
  'a small value': { a: 1, b: [1, 2, 'x'], c: null, d: undefined, e: { f: true } },
  'a large array at the top': range(45_000, (i) => [i % 3, `task-${i}`]),
  'large arrays inside objects and arrays': {
    $format: 'x',
    tasks: range(50_001, (i) => [0, `t${i}`]),
    root: { path: '', children: [{ path: 'farm', kind: 'iterator', children: range(30_000, (i) => [`farm/${i}`, `n${i}`, 1, 0, `t${i}`]) }] },
    nested: range(3, (i) => ({ i, leaves: range(1500, (j) => ({ j, skip: undefined, name: `é-${i}-${j}` })) })),
  },
  'large arrays of objects with holes': { list: range(2500, (i) => (i % 2 ? { i } : null)), sparse: [1, undefined, () => 0] },
};

for (const [name, value] of Object.entries(samples)) {
  test(`${name}: the same text, read back in slices`, async () => {
    const { text, pieces } = writePiecewise(value);
    assert.equal(text, JSON.stringify(value));
    let pauses = 0;
    const back = await readPiecewise(text, pieces, 20_000, async () => {
      pauses++;
    });
    assert.deepEqual(back, JSON.parse(text));
    if (name !== 'a small value') assert.ok(pieces.arrays.length > 0, 'its large arrays are pieces');
    if (name === 'large arrays inside objects and arrays') assert.ok(pauses >= 3, `read with ${pauses} pauses`);
  });
}
