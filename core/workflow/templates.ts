// Finding, reading, parsing and schema-checking template files (workflows and task classes),
// with a small cache keyed by file, size and mtime.
import fs from 'node:fs';
import path from 'node:path';
import { BatonError } from '../model/errors.js';
import { parseSource, assertParsed, type SourceFile } from './source.js';
import { schemaDiagnostics, type SchemaKind } from './schema.js';
import { type RepoView, displayPath, findTaskClassIn, findWorkflowIn, readText, repoOfFile, workingView } from './repo.js';

export interface Loaded {
  src: SourceFile;
  view: RepoView;
  /** the file as read (inside a checkout for a revision) */
  realFile: string;
}

interface CacheEntry {
  stamp: string;
  src: SourceFile;
  error?: BatonError;
}
const cache = new Map<string, CacheEntry>();
const CACHE_LIMIT = 500;

/** Parses and schema-checks a file; throws BAD_TEMPLATE with the first problem. */
export function loadFile(realFile: string, view: RepoView, kind: SchemaKind): Loaded {
  const shown = displayPath(view, realFile);
  let stamp = '';
  try {
    const st = fs.statSync(realFile);
    stamp = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
  } catch {
    throw new BatonError('NOT_FOUND', `cannot read ${shown}`, { where: shown });
  }
  const key = `${kind}\0${realFile}\0${shown}`;
  let entry = cache.get(key);
  if (!entry || entry.stamp !== stamp) {
    const src = parseSource(shown, readText(realFile));
    entry = { stamp, src, error: firstProblem(src, kind) };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, entry);
  }
  if (entry.error) throw entry.error;
  return { src: entry.src, view, realFile };
}

function firstProblem(src: SourceFile, kind: SchemaKind): BatonError | undefined {
  try {
    assertParsed(src);
  } catch (e) {
    return e as BatonError;
  }
  const d = schemaDiagnostics(src, kind)[0];
  if (d) return new BatonError('BAD_TEMPLATE', d.message, { where: `${d.file}:${d.line}:${d.col}`, data: { reason: 'schema' } });
  return undefined;
}

/** Where names are looked up: the repo of the file that asks first, then every configured repo. */
export class TemplateFiles {
  /** one lookup per name per expansion: a for over 150,000 tasks must not stat 150,000 times */
  private readonly classes = new Map<string, Loaded | undefined>();

  constructor(readonly views: RepoView[]) {}

  private order(from?: RepoView): RepoView[] {
    if (!from) return this.views;
    return [from, ...this.views.filter((v) => v.dir !== from.dir)];
  }

  workflowByName(name: string, from?: RepoView): Loaded | undefined {
    for (const v of this.order(from)) {
      const f = findWorkflowIn(v, name);
      if (f) return loadFile(f, v, 'workflow');
    }
    return undefined;
  }

  /** A workflow given by path (absolute, or relative to `baseDir`). */
  workflowByPath(file: string, baseDir: string, from?: RepoView): Loaded {
    const real = path.resolve(baseDir, file);
    if (from && real.startsWith(from.root + path.sep)) return loadFile(real, from, 'workflow');
    const view = this.views.find((v) => real.startsWith(v.root + path.sep)) ?? workingView(repoOfFile(real));
    return loadFile(real, view, 'workflow');
  }

  taskClass(name: string, from?: RepoView): Loaded | undefined {
    const key = `${from?.root ?? ''}\0${name}`;
    if (this.classes.has(key)) return this.classes.get(key);
    let found: Loaded | undefined;
    for (const v of this.order(from)) {
      const f = findTaskClassIn(v, name);
      if (f) {
        found = loadFile(f, v, 'task-class');
        break;
      }
    }
    this.classes.set(key, found);
    return found;
  }

  /** The names of the classes visible from a repo (for messages). */
  knownClasses(from?: RepoView): string[] {
    const names = new Set<string>();
    for (const v of this.order(from)) {
      try {
        for (const n of fs.readdirSync(path.join(v.root, 'tasks'))) {
          if (/\.ya?ml$/.test(n)) names.add(n.replace(/\.ya?ml$/, ''));
        }
      } catch {
        /* no tasks folder */
      }
    }
    return [...names].sort();
  }
}
