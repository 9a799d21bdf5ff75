// `lint` reports every problem at once, each at its file:line:col.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LINT_REPO, BAD_REPO, loader } from './helpers.js';

const at = (d: { line: number; col: number; reason?: string }) => `${d.line}:${d.col}:${d.reason}`;

test('lint finds all the problems of a workflow, not just the first', async () => {
  const file = path.join(LINT_REPO, 'workflows', 'many-errors.yaml');
  const d = await loader().lint(file);
  assert.deepEqual(d.map(at), ['9:19:class', '11:14:expr', '17:23:expr', '19:34:channel', '22:34:hook']);
  assert.ok(d.every((x) => x.file === file && x.severity === 'error' && x.code === 'BAD_TEMPLATE'));
  assert.match(d[0].message, /role ghost: unknown task class "no-such-class"/);
  assert.match(d[3].message, /role dst: connect in: no bind matches target nowhere:out/);
});

test('lint reports every schema error with its place', async () => {
  const d = await loader().lint(path.join(LINT_REPO, 'workflows', 'schema-errors.yaml'));
  assert.deepEqual(d.map(at), ['4:5:schema', '6:34:schema', '7:5:schema', '7:5:schema']);
  assert.match(d[0].message, /unknown field "tsk"/);
  assert.match(d[1].message, /critical: must be true, false or an \{\{ expression \}\}/);
});

test('lint of a clean file is empty; content may be given instead of the file', async () => {
  const file = path.join(LINT_REPO, 'workflows', 'clean.yaml');
  assert.deepEqual(await loader().lint(file), []);
  const text = fs.readFileSync(file, 'utf8').replace('class: src', 'class: srx');
  const d = await loader().lint(file, text);
  assert.deepEqual(d.map(at), ['4:19:class']);
});

test('lint of YAML that does not parse names the place', async () => {
  const d = await loader().lint(path.join(BAD_REPO, 'workflows', 'yaml-syntax.yaml'));
  assert.equal(d.length, 1);
  assert.equal(d[0].reason, 'yaml');
  assert.deepEqual([d[0].line, d[0].col], [5, 3]);
});

test('lint checks task classes by their own schema', async () => {
  const d = await loader().lint(path.join(BAD_REPO, 'tasks', 'broken-schema.yaml'));
  assert.deepEqual(d.map(at), ['4:1:schema']);
  assert.deepEqual(await loader().lint(path.join(BAD_REPO, 'tasks', 'ok.yaml')), []);
  const nc = await loader().lint(path.join(BAD_REPO, 'tasks', 'no-command.yaml'));
  assert.deepEqual(
    nc.map((x) => x.reason),
    ['class'],
  );
});

test('lint warns when the name differs from the file name', async () => {
  const d = await loader().lint(path.join(LINT_REPO, 'workflows', 'clean.yaml'), 'name: other\nroles: []\n');
  assert.deepEqual(
    d.map((x) => [x.severity, x.line, x.col, x.reason]),
    [['warning', 1, 7, 'name']],
  );
});

test('lint of a file that does not exist is NOT_FOUND', async () => {
  await assert.rejects(loader().lint(path.join(LINT_REPO, 'workflows', 'nope.yaml')), (e: { code?: string }) => e.code === 'NOT_FOUND');
});
