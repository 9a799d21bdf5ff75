// Bad inputs through the real CLI: each gives exit 2 (or 1) with a message naming what and where,
// and changes nothing (the environment list is the same before and after).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localStack, type LocalStack, type Result } from '../cli/harness.js';
import { envSnapshot, show, type EnvDoc } from './common.js';

describe('bad inputs change nothing', () => {
  let stack: LocalStack;
  let repo: string;
  before(async () => {
    stack = await localStack(['--agents', '1']);
    // a template repo of our own, with broken files
    repo = path.join(stack.home, 'repo');
    fs.mkdirSync(path.join(repo, 'workflows'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'tasks'), { recursive: true });
    fs.writeFileSync(
      path.join(repo, 'workflows', 'malformed.yaml'),
      ['name: malformed', 'roles:', '  - name: a', '    task: {class: demo, critical: true', '  - name: b', ''].join('\n'),
    );
    fs.writeFileSync(
      path.join(repo, 'workflows', 'noclass.yaml'),
      ['name: noclass', 'roles:', '  - name: a', '    task: {class: no-such-class}', ''].join('\n'),
    );
  });
  after(async () => {
    if (!stack) return;
    const { result, left } = await stack.down();
    fs.rmSync(stack.home, { recursive: true, force: true });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(left, []);
  });

  /** Runs a bad request: expects the exit code and a message matching every pattern; nothing changes. */
  async function refused(args: string[], code: 1 | 2, ...patterns: RegExp[]): Promise<Result> {
    const before = await envSnapshot(stack);
    const r = await stack.run(args);
    assert.equal(r.code, code, `baton ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    for (const p of patterns) assert.match(r.stderr, p, `baton ${args.join(' ')}`);
    assert.equal(await envSnapshot(stack), before, `baton ${args.join(' ')} changed nothing`);
    const j = await stack.run([...args, '--json']);
    assert.equal(j.code, code);
    const doc = JSON.parse(j.stdout) as { error: { code: string; message: string } };
    assert.ok(doc.error?.code && doc.error.message, 'a structured error with --json');
    return r;
  }

  test('malformed YAML: exit 2 naming file, line and column', async () => {
    const file = path.join(repo, 'workflows', 'malformed.yaml');
    await refused(['env', 'create', file], 2, /malformed\.yaml:\d+:\d+/);
    const lint = await stack.run(['template', 'lint', file]);
    assert.equal(lint.code, 2);
    assert.match(lint.stdout, /malformed\.yaml:\d+:\d+: error/);
  });

  test('unknown task class: exit 2 naming the class and the file', async () => {
    await refused(['env', 'create', path.join(repo, 'workflows', 'noclass.yaml')], 2, /no-such-class/, /noclass\.yaml/);
  });

  test('unknown variable: exit 2 naming it', async () => {
    await refused(['env', 'create', 'quick', '--var', 'no_such_var=1'], 2, /no_such_var/);
  });

  test('a value of the wrong type: exit 2 naming the variable', async () => {
    await refused(['env', 'create', 'daq-chain', '--var', 'readouts=many'], 2, /readouts/);
  });

  test('bad --var syntax: exit 2 naming the flag', async () => {
    await refused(['env', 'create', 'quick', '--var', 'readouts'], 2, /--var/);
  });

  test('a transition not allowed from the current state: exit 2 naming both; the state is kept', async () => {
    const { id } = await stack.json<EnvDoc>(['env', 'create', 'quick']);
    await refused(['env', 'control', id, 'START_ACTIVITY'], 2, /START_ACTIVITY/, /STANDBY/);
    assert.equal((await show(stack, id)).state, 'STANDBY');
    await stack.ok(['env', 'destroy', id]);
  });

  test('an unknown environment id: exit 2 naming it', async () => {
    await refused(['env', 'show', 'env-doesnotexist'], 2, /env-doesnotexist/);
    await refused(['env', 'control', 'env-doesnotexist', 'DEPLOY'], 2, /env-doesnotexist/);
    await refused(['env', 'destroy', 'env-doesnotexist'], 2, /env-doesnotexist/);
    await refused(['task', 'kill', 'env-doesnotexist/alpha'], 2, /env-doesnotexist/);
  });

  test('an unknown transition name: exit 2 listing the valid ones', async () => {
    const { id } = await stack.json<EnvDoc>(['env', 'create', 'quick']);
    await refused(['env', 'control', id, 'LAUNCH'], 2, /LAUNCH/, /DEPLOY/);
    await stack.ok(['env', 'destroy', id]);
  });

  test('an unknown workflow: exit 2 naming it', async () => {
    await refused(['env', 'create', 'no-such-workflow'], 2, /no-such-workflow/);
  });
});
