// Template repos: a directory holding `workflows/*.yaml` and `tasks/*.yaml`, read as it is on
// disk or, for a git repository, at a given revision (materialised once per commit into a cache
// directory under os.tmpdir()).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { BatonError } from '../model/errors.js';

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

/** The files of `dir` at `revision` (a commit, tag or branch of the git repository holding `dir`). */
export function revisionView(dir: string, revision: string, cacheDir = path.join(os.tmpdir(), 'baton-templates')): RepoView {
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
  const key = crypto.createHash('sha256').update(`${commit}\0${prefix}`).digest('hex').slice(0, 24);
  const cacheRoot = cacheDir;
  const root = path.join(cacheRoot, key);
  if (!fs.existsSync(root)) {
    fs.mkdirSync(cacheRoot, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(cacheRoot, 'tmp-'));
    try {
      const tar = path.join(tmp, 'tree.tar');
      const treeish = prefix ? `${commit}:${prefix.replace(/\/$/, '')}` : commit;
      // from the top: in a subdirectory, git archive would look for prefix/ under it
      execFileSync('git', ['-C', top, 'archive', '--format=tar', '-o', tar, treeish], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
      const out = path.join(tmp, 'tree');
      fs.mkdirSync(out);
      execFileSync('tar', ['-xf', tar, '-C', out], { stdio: 'ignore', timeout: 30_000 });
      try {
        fs.renameSync(out, root);
      } catch (e) {
        if (!fs.existsSync(root)) throw e; // someone else won the race: theirs is identical
      }
    } catch (e) {
      if (e instanceof BatonError) throw e;
      throw new BatonError('BAD_INPUT', `cannot read ${abs} at ${revision}: ${(e as Error).message.split('\n')[0]}`, { where: `revision ${revision}` });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { dir: abs, root, revision: commit };
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
