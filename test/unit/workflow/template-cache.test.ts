// The git template cache: under BATON_HOME (not a predictable folder of /tmp), 0700, and verified
// by git each time it is used: a checkout whose files were changed, or whose HEAD was moved, is
// never read as the revision it claims (it is checked out again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ASSETS, ROOT, tmpDir } from './helpers.js';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import { defaultCacheDir } from '../../../core/workflow/repo.js';

const WORKFLOW = 'roles:\n  - name: readout\n    task: {class: demo}\n';

test('a tampered or moved checkout in the template cache is detected and checked out again', async () => {
  const dir = tmpDir();
  try {
    const repo = path.join(dir, 'templates');
    fs.mkdirSync(path.join(repo, 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'workflows', 'run.yaml'), WORKFLOW);
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'one readout');
    const first = git('rev-parse', 'HEAD');
    fs.writeFileSync(path.join(repo, 'workflows', 'run.yaml'), WORKFLOW.replace('readout', 'other'));
    git('commit', '-qam', 'renamed');
    const second = git('rev-parse', 'HEAD');

    const cache = path.join(dir, 'home', 'template-cache');
    fs.mkdirSync(cache, { recursive: true, mode: 0o755 });
    fs.chmodSync(cache, 0o755);
    const loader = createWorkflowLoader({ repos: [repo, ASSETS], batonRoot: ROOT, cacheDir: cache });
    const names = async () => (await loader.expand('run', {}, { revision: first })).tasks.map((t) => t.name);
    assert.deepEqual(await names(), ['readout']);
    assert.equal(fs.statSync(cache).mode & 0o777, 0o700, 'the cache folder is made private');

    // someone edits the cached file: the revision must still read as committed
    const cached = path.join(cache, first, 'workflows', 'run.yaml');
    fs.writeFileSync(cached, WORKFLOW.replace('readout', 'injected').replace('task: {class: demo}', 'task: {class: demo, command: /bin/evil}'));
    assert.deepEqual(await names(), ['readout'], 'a changed file is not read');
    // ... or adds one
    fs.writeFileSync(path.join(cache, first, 'workflows', 'extra.yaml'), WORKFLOW);
    await loader.expand('run', {}, { revision: first });
    assert.ok(!fs.existsSync(path.join(cache, first, 'workflows', 'extra.yaml')), 'an added file is gone with the checkout');
    // ... or moves its HEAD to another commit
    execFileSync('git', [`--git-dir=${path.join(cache, first, '.git')}`, `--work-tree=${path.join(cache, first)}`, 'checkout', '-q', '--detach', second]);
    assert.deepEqual(await names(), ['readout'], 'a checkout at another commit is not read as this one');
    assert.equal(execFileSync('git', ['-C', path.join(cache, first), 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(), first);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without a cacheDir the cache is under BATON_HOME, not in /tmp', () => {
  const saved = process.env.BATON_HOME;
  process.env.BATON_HOME = '/somewhere/home';
  try {
    assert.equal(defaultCacheDir(), '/somewhere/home/template-cache');
  } finally {
    if (saved === undefined) delete process.env.BATON_HOME;
    else process.env.BATON_HOME = saved;
  }
});
