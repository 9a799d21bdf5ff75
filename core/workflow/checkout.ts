// The template cache: one git checkout per commit, kept in a folder only its user may enter
// (0700, under BATON_HOME), and verified by git each time it is used: its HEAD must be the commit
// it is kept for and its working tree clean (nothing changed, added or removed, ignored files
// included). A checkout that fails either check is removed and checked out again, so a tampered
// or half-written cache is never read as the revision it claims.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BatonError } from '../model/errors.js';

const GIT_TIMEOUT_MS = 30_000;

/** git on the checkout in `dir` alone: --git-dir and --work-tree keep git from walking up to a
 *  repository that holds the cache (BATON_HOME inside a git work tree). */
function gitIn(dir: string, args: string[]): string {
  return execFileSync('git', [`--git-dir=${path.join(dir, '.git')}`, `--work-tree=${dir}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: GIT_TIMEOUT_MS,
  }).trim();
}

/** Why the checkout in `dir` is not `commit` as committed, or '' when it is. */
export function checkoutProblem(dir: string, commit: string): string {
  let head: string;
  try {
    head = gitIn(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  } catch {
    return 'it is not a git checkout';
  }
  if (head !== commit) return `its HEAD is ${head || 'unset'}, not ${commit}`;
  let status: string;
  try {
    status = gitIn(dir, ['status', '--porcelain', '--ignored', '--untracked-files=all']);
  } catch (e) {
    return `git status failed: ${(e as Error).message.split('\n')[0]}`;
  }
  if (status) {
    const changed = status.split('\n');
    return `its files differ from the commit (${changed.slice(0, 3).join('; ')}${changed.length > 3 ? `; ${changed.length - 3} more` : ''})`;
  }
  return '';
}

/** Makes the cache folder (0700; an existing one is tightened). */
function prepareCacheDir(cacheDir: string): void {
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const st = fs.statSync(cacheDir);
  if (st.uid !== process.getuid?.()) {
    throw new BatonError('BAD_INPUT', `template cache ${cacheDir} belongs to another user (uid ${st.uid}): refusing to use it`, { where: cacheDir });
  }
  if ((st.mode & 0o077) !== 0) fs.chmodSync(cacheDir, 0o700);
}

/** The verified checkout of `commit` of the git repository at `top` (whose work tree is `top`). */
export function checkoutOf(top: string, commit: string, cacheDir: string, revision: string, repo: string): string {
  prepareCacheDir(cacheDir);
  const entry = path.join(cacheDir, commit);
  if (fs.existsSync(entry)) {
    const problem = checkoutProblem(entry, commit);
    if (!problem) return entry;
    // never read as the revision it claims: checked out again below
    console.error(`baton: template cache ${entry} is not ${commit} as committed (${problem}); checking it out again`);
    fs.rmSync(entry, { recursive: true, force: true });
  }
  const tmp = fs.mkdtempSync(path.join(cacheDir, 'tmp-'));
  try {
    const tree = path.join(tmp, 'tree');
    // --shared: the objects stay in the source repository (no copy); the checkout is ours
    execFileSync('git', ['clone', '--quiet', '--shared', '--no-checkout', '--', top, tree], { stdio: ['ignore', 'ignore', 'pipe'], timeout: GIT_TIMEOUT_MS });
    gitIn(tree, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit]);
    const problem = checkoutProblem(tree, commit);
    if (problem) throw new Error(`the new checkout is not ${commit}: ${problem}`);
    try {
      fs.renameSync(tree, entry);
    } catch (e) {
      if (!fs.existsSync(entry)) throw e; // someone else won the race: theirs is checked next time
    }
  } catch (e) {
    if (e instanceof BatonError) throw e;
    throw new BatonError('BAD_INPUT', `cannot read ${repo} at ${revision}: ${(e as Error).message.split('\n')[0]}`, { where: `revision ${revision}` });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return entry;
}
