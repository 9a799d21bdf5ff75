// The corpus of bad templates (test/fixtures/templates/bad): each case gives its expected error
// code, at its expected file:line:col (or 'var <name>' for user input), naming what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BatonError } from '../../../core/model/errors.js';
import { BAD_REPO, loader } from './helpers.js';

interface Case {
  workflow: string;
  vars?: Record<string, string>;
  code: string;
  where: string;
  reason?: string;
  mentions: string[];
}
const spec = JSON.parse(fs.readFileSync(path.join(BAD_REPO, 'expectations.json'), 'utf8')) as { helpers: string[]; cases: Case[] };

test('the corpus has at least 30 cases and every bad workflow has an expectation', () => {
  assert.ok(spec.cases.length >= 30, `${spec.cases.length} cases`);
  const files = fs.readdirSync(path.join(BAD_REPO, 'workflows')).map((f) => f.replace(/\.ya?ml$/, ''));
  const covered = new Set([...spec.cases.map((c) => c.workflow), ...spec.helpers]);
  assert.deepEqual(
    files.filter((f) => !covered.has(f)),
    [],
  );
});

for (const c of spec.cases) {
  const label = `${c.workflow}${c.vars ? ' ' + JSON.stringify(c.vars) : ''}`;
  test(`bad: ${label} -> ${c.code} at ${c.where}`, async () => {
    const l = loader([BAD_REPO]);
    const err = await l.expand(c.workflow, c.vars ?? {}).then(
      () => assert.fail('expanded without an error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof BatonError, `a BatonError, got ${String(err)}`);
    const where = (err.detail.where ?? '').split(BAD_REPO + path.sep).join('');
    assert.deepEqual({ code: err.code, where }, { code: c.code, where: c.where }, err.message);
    if (c.reason) assert.equal(err.detail.data?.reason, c.reason, err.message);
    for (const m of c.mentions) assert.ok(err.message.includes(m), `message "${err.message}" mentions ${m}`);
  });
}

test('bad: the error is the same through a path as through a name', async () => {
  const l = loader([BAD_REPO]);
  const byPath = await l.expand(path.join(BAD_REPO, 'workflows', 'unknown-class.yaml'), {}).catch((e: BatonError) => e);
  const byName = await l.expand('unknown-class', {}).catch((e: BatonError) => e);
  assert.ok(byPath instanceof BatonError && byName instanceof BatonError);
  assert.deepEqual(byPath.detail, byName.detail);
});

test('bad: an unknown workflow is NOT_FOUND naming it', async () => {
  const err = await loader([BAD_REPO])
    .expand('no-such-workflow', {})
    .catch((e: BatonError) => e);
  assert.ok(err instanceof BatonError);
  assert.equal(err.code, 'NOT_FOUND');
  assert.match(err.message, /no-such-workflow/);
});
