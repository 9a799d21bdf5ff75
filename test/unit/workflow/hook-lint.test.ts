// `template lint` knows the hook functions and their arguments: an unknown func, an argument the
// function does not take, a missing or mistyped one is an error at its file:line:col, found at
// lint time instead of failing at the transition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ASSETS, loader, tmpDir } from './helpers.js';
import type { Diagnostic } from '../../../core/workflow/types.js';

const WORKFLOW = `roles:
  - name: worker
    task: {class: demo}
  - name: typo
    call: {func: exec.run, args: {command: "true"}, trigger: after_DEPLOY}
  - name: misspelt
    call: {func: http.post, args: {ulr: "http://127.0.0.1/x"}, trigger: after_DEPLOY}
  - name: nap
    call: {func: sleep, args: {duration: soon}, trigger: after_DEPLOY}
  - name: bare
    call: {func: exec, trigger: after_DEPLOY}
  - name: fine
    call: {func: http.post, args: {url: "http://127.0.0.1/x", body: {a: 1}}, trigger: after_DEPLOY}
`;

async function lint(text: string): Promise<Diagnostic[]> {
  const dir = tmpDir();
  try {
    fs.mkdirSync(path.join(dir, 'workflows'));
    const file = path.join(dir, 'workflows', 'hooks.yaml');
    fs.writeFileSync(file, text);
    return (await loader([dir, ASSETS]).lint(file)).filter((d) => d.severity === 'error');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('lint names an unknown hook function, a wrong, missing or mistyped argument, each where it is', async () => {
  const errors = await lint(WORKFLOW);
  const at = (line: number, col: number) => errors.find((d) => d.line === line && d.col === col);
  assert.match(at(5, 18)?.message ?? JSON.stringify(errors), /unknown hook function "exec\.run" \(known: http\.post, exec, sleep, test\.fail\)/);
  assert.equal(at(5, 18)?.reason, 'hook');
  assert.match(at(7, 41)?.message ?? JSON.stringify(errors), /http\.post has no argument "ulr" \(its arguments: url, body, headers\)/);
  assert.match(at(9, 42)?.message ?? JSON.stringify(errors), /sleep argument "duration" must be a duration/);
  assert.match(errors.find((d) => d.line === 11)?.message ?? JSON.stringify(errors), /exec needs the argument "command"/);
  assert.equal(errors.length, 4, `nothing about the good hook: ${JSON.stringify(errors)}`);
});

test('expansion refuses the same workflow at the first problem, located', async () => {
  const dir = tmpDir();
  try {
    fs.mkdirSync(path.join(dir, 'workflows'));
    fs.writeFileSync(path.join(dir, 'workflows', 'hooks.yaml'), WORKFLOW);
    const e = await loader([dir, ASSETS])
      .expand('hooks', {})
      .catch((x: Error & { code?: string; detail?: { where?: string } }) => x);
    assert.ok(e instanceof Error);
    assert.equal((e as { code?: string }).code, 'BAD_TEMPLATE');
    assert.equal((e as { detail: { where: string } }).detail.where, `${path.join(dir, 'workflows', 'hooks.yaml')}:5:18`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
