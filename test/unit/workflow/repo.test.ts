// Template repos: lookup order, workflows given by path, listing, and git revisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BatonError } from '../../../core/model/errors.js';
import { ASSETS, GOOD_REPO, ROOT, loader, tmpDir } from './helpers.js';
import { createWorkflowLoader } from '../../../core/workflow/index.js';

function copyRepo(to: string): void {
  fs.cpSync(path.join(ASSETS, 'workflows'), path.join(to, 'workflows'), { recursive: true });
  fs.cpSync(path.join(ASSETS, 'tasks'), path.join(to, 'tasks'), { recursive: true });
}

test('the shipped repo comes last unless turned off', async () => {
  const dir = tmpDir();
  try {
    fs.mkdirSync(path.join(dir, 'workflows'));
    assert.equal((await loader([dir]).expand('quick', {})).repo, ASSETS);
    const none = createWorkflowLoader({ repos: [dir], batonRoot: ROOT, shipped: false });
    await assert.rejects(none.expand('quick', {}), (e: BatonError) => e.code === 'NOT_FOUND');
    assert.deepEqual(await none.list(), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a workflow name is looked up in the repos in order; the first wins', async () => {
  const dir = tmpDir();
  try {
    fs.mkdirSync(path.join(dir, 'workflows'));
    fs.writeFileSync(path.join(dir, 'workflows', 'quick.yaml'), 'description: shadows the demo\nroles:\n  - name: only\n    task: {class: demo}\n');
    const w = await loader([dir, ASSETS]).expand('quick', {});
    assert.equal(w.repo, dir);
    assert.deepEqual(
      w.tasks.map((t) => t.name),
      ['only'],
    );
    assert.equal(w.tasks[0].className, 'demo', 'classes missing in the repo come from the later repos');
    const list = await loader([dir, ASSETS]).list();
    assert.deepEqual(
      list.filter((s) => s.name === 'quick').map((s) => s.repo),
      [dir],
    );
    assert.equal((await loader([ASSETS]).expand('quick', {}, { repo: dir })).repo, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a workflow given by path belongs to the repo holding its workflows/ folder', async () => {
  const w = await loader([ASSETS]).expand(path.join(GOOD_REPO, 'workflows', 'precedence.yaml'), {});
  assert.equal(w.repo, GOOD_REPO);
  assert.equal(w.tasks.length, 3);
  const rel = path.relative(process.cwd(), path.join(GOOD_REPO, 'workflows', 'hooks.yaml'));
  assert.equal((await loader([ASSETS]).expand(rel, {})).hooks.length, 5);
});

test('list reports a broken workflow instead of failing', async () => {
  const dir = tmpDir();
  try {
    fs.mkdirSync(path.join(dir, 'workflows'));
    fs.writeFileSync(path.join(dir, 'workflows', 'broken.yaml'), 'roles: [\n');
    fs.writeFileSync(path.join(dir, 'workflows', 'fine.yaml'), 'description: d\nvars: {n: 3}\nroles: []\n');
    const list = (await loader([dir]).list()).filter((s) => s.repo === dir);
    assert.deepEqual(
      list.map((s) => s.name),
      ['broken', 'fine'],
    );
    assert.match(list[0].error ?? '', /broken\.yaml:\d+:\d+/);
    assert.deepEqual(list[1].vars, [{ name: 'n', type: 'int', default: 3 }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a git repo is read at a revision, and the commit is recorded', async (t) => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('git is not installed');
    return;
  }
  const dir = tmpDir();
  try {
    const repo = path.join(dir, 'templates'); // a subfolder of the git repository
    copyRepo(repo);
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'two readouts');
    const first = git('rev-parse', 'HEAD');
    const file = path.join(repo, 'workflows', 'daq-chain.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/default: 2\n/, 'default: 3\n'));
    git('commit', '-qam', 'three readouts');
    const second = git('rev-parse', 'HEAD');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/default: 3\n/, 'default: 4\n')); // uncommitted

    const l = createWorkflowLoader({ repos: [repo], batonRoot: ROOT, cacheDir: path.join(dir, 'cache') });
    const count = (w: { tasks: { name: string }[] }) => w.tasks.filter((x) => x.name.startsWith('readout-')).length;
    const now = await l.expand('daq-chain', {});
    assert.deepEqual([count(now), now.revision], [4, ''], 'without a revision: the working tree');
    const head = await l.expand('daq-chain', {}, { revision: 'HEAD' });
    assert.deepEqual([count(head), head.revision], [3, second]);
    const old = await l.expand('daq-chain', {}, { revision: first.slice(0, 10) });
    assert.deepEqual([count(old), old.revision, old.repo], [2, first, repo]);
    assert.equal(old.file, file, 'messages and records name the file in the repo, not the cache');
    const byPath = await l.expand(file, {}, { revision: 'HEAD~1' });
    assert.equal(count(byPath), 2);
    assert.equal(fs.readdirSync(path.join(dir, 'cache')).length, 2, 'one checkout per commit, reused');

    const missing = await l.expand('daq-chain', {}, { revision: 'no-such-branch' }).catch((e: BatonError) => e);
    assert.ok(missing instanceof BatonError && missing.code === 'NOT_FOUND' && /no-such-branch/.test(missing.message));
    const evil = await l.expand('daq-chain', {}, { revision: '--output=/tmp/x' }).catch((e: BatonError) => e);
    assert.ok(evil instanceof BatonError && evil.code === 'BAD_INPUT');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
