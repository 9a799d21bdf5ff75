// Template repos: a directory holding `workflows/*.yaml` and `tasks/*.yaml`, read as it is on
// disk or, for a git repository, at a given revision (checked out once per commit into a cache
// under BATON_HOME: checkout.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BatonError } from '../model/errors.js';
import { checkoutOf } from './checkout.js';

export interface RepoView {
  /** the repo directory as configured or given (the identity shown to users) */
  dir: string;
  /** where its files are read from: `dir` itself, or a checkout of `revision` */
  root: string;
  /** resolved commit, '' when reading the working directory */
  revision: string;
}

const YAML_EXT = ['.yaml', '.yml'];

export function workingView(dir: string): RepoView {
  const abs = path.resolve(dir);
  return { dir: abs, root: abs, revision: '' };
}

/** Where checkouts of revisions are kept when the loader is given no cacheDir: under BATON_HOME
 *  (never a predictable folder of /tmp, which another user could prepare). */
export function defaultCacheDir(): string {
  return path.join(process.env.BATON_HOME || path.join(os.homedir(), '.baton'), 'template-cache');
}

/** The files of `dir` at `revision` (a commit, tag or branch of the git repository holding `dir`). */
export function revisionView(dir: string, revision: string, cacheDir = defaultCacheDir()): RepoView {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new BatonError('NOT_FOUND', `template repo ${abs} does not exist`, { where: `repo ${abs}` });
  if (!/^[A-Za-z0-9._\/@^~+-]+$/.test(revision) || revision.startsWith('-')) {
    throw new BatonError('BAD_INPUT', `"${revision}" is not a git revision`, { where: `revision ${revision}` });
  }
  const git = (args: string[]) => execFileSync('git', ['-C', abs, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  let commit: string;
  let prefix: string;
  let top: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
    prefix = git(['rev-parse', '--show-prefix']);
    top = git(['rev-parse', '--show-toplevel']);
  } catch {
    throw new BatonError('NOT_FOUND', `revision ${revision} not found in ${abs} (is it a git repository?)`, { where: `revision ${revision}` });
  }
  if (!commit) throw new BatonError('NOT_FOUND', `revision ${revision} not found in ${abs}`, { where: `revision ${revision}` });
  const checkout = checkoutOf(top, commit, cacheDir, revision, abs);
  return { dir: abs, root: prefix ? path.join(checkout, prefix.replace(/\/$/, '')) : checkout, revision: commit };
}

function listYaml(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => YAML_EXT.includes(path.extname(n)))
    .sort()
    .map((n) => path.join(dir, n));
}

export function workflowFiles(view: RepoView): string[] {
  return listYaml(path.join(view.root, 'workflows'));
}

export function taskClassFiles(view: RepoView): string[] {
  return listYaml(path.join(view.root, 'tasks'));
}

function findNamed(dir: string, name: string): string | undefined {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) return undefined;
  for (const ext of YAML_EXT) {
    const f = path.join(dir, name + ext);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

export function findWorkflowIn(view: RepoView, name: string): string | undefined {
  return findNamed(path.join(view.root, 'workflows'), name);
}

export function findTaskClassIn(view: RepoView, name: string): string | undefined {
  return findNamed(path.join(view.root, 'tasks'), name);
}

/** A workflow given as a path: true when it looks like a file rather than a name. */
export function looksLikePath(workflow: string): boolean {
  return workflow.includes('/') || workflow.includes(path.sep) || YAML_EXT.includes(path.extname(workflow));
}

/** The repo a workflow file belongs to: the folder holding its `workflows/` folder (else its own folder). */
export function repoOfFile(file: string): string {
  const dir = path.dirname(path.resolve(file));
  return path.basename(dir) === 'workflows' ? path.dirname(dir) : dir;
}

/** Shown in messages: relative to the repo's configured dir, even when read from a checkout. */
export function displayPath(view: RepoView, file: string): string {
  if (view.root !== view.dir && file.startsWith(view.root + path.sep)) return path.join(view.dir, file.slice(view.root.length + 1));
  return file;
}

export function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BatonError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { where: file });
  }
}
