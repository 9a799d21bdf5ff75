// Shared by the workflow tests: where the package and the fixtures are, and a loader over them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import type { WorkflowLoader } from '../../../core/workflow/types.js';

/** The package root (the folder with package.json), found from this file whether run from dist/ or not. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'baton') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package root not found');
    dir = up;
  }
}

export const ROOT = packageRoot();
export const ASSETS = path.join(ROOT, 'assets');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'templates');
export const GOOD_REPO = path.join(FIXTURES, 'repo');
export const BAD_REPO = path.join(FIXTURES, 'bad');
export const LINT_REPO = path.join(FIXTURES, 'lint');
export const GOLDEN = path.join(FIXTURES, 'golden');

export function loader(repos: string[] = [ASSETS]): WorkflowLoader {
  return createWorkflowLoader({ repos, batonRoot: ROOT });
}

/** A JSON copy with machine-specific paths replaced, so golden files hold on any checkout. */
export function portable<T>(v: T, repos: Record<string, string> = {}): T {
  const pairs: [string, string][] = [...Object.entries(repos), [ROOT, '<baton>'], [process.execPath, '<node>']];
  pairs.sort((a, b) => b[0].length - a[0].length);
  let s = JSON.stringify(v);
  for (const [from, to] of pairs) s = s.split(JSON.stringify(from).slice(1, -1)).join(to);
  return JSON.parse(s) as T;
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'baton-'));
}
