// The orphan grace as the agent takes it (its options) and passes it on (the task's environment,
// read back by the SDK): bad values are refused naming the option, and a task started without one
// falls back to the default instead of waiting forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions } from '../../../core/agent/options.js';
import { BatonError } from '../../../core/model/errors.js';
import { DEFAULT_ORPHAN_GRACE_MS, orphanGraceFrom } from '../../../core/model/orphan-grace.js';

const base = { name: 'n1', home: '/tmp/baton-grace', listen: 'unix:///tmp/baton-grace/agent.sock', labels: {} };

test('the agent takes a whole, non-negative grace in ms and refuses anything else, naming the option', () => {
  assert.equal(resolveOptions(base).orphanGraceMs, DEFAULT_ORPHAN_GRACE_MS);
  assert.equal(resolveOptions({ ...base, orphanGraceMs: 0 }).orphanGraceMs, 0);
  assert.equal(resolveOptions({ ...base, orphanGraceMs: 1500 }).orphanGraceMs, 1500);
  for (const bad of [-1, 1.5, Number.NaN]) {
    assert.throws(
      () => resolveOptions({ ...base, orphanGraceMs: bad }),
      (e: unknown) => e instanceof BatonError && e.code === 'BAD_INPUT' && e.detail.where === 'orphanGraceMs' && /orphan grace/.test(e.message),
    );
  }
});

test('a task reads the grace from its environment; absent or unreadable means the default, 0 means never', () => {
  assert.equal(orphanGraceFrom('1500'), 1500);
  assert.equal(orphanGraceFrom('0'), 0);
  for (const v of [undefined, '', ' ', 'soon', '-5', '1.5']) assert.equal(orphanGraceFrom(v), DEFAULT_ORPHAN_GRACE_MS, String(v));
});
