// The role tree in the packed form (pack.ts): a task leaf with nothing else as a tuple
// [path, name, enabled, critical, task], consecutive numbered leaves as a run (pack-runs.ts).
import { isRun, MIN_RUN, named, numbered, RUN, type Numbered, type RunNames } from './pack-runs.js';

const LEAF_KEYS = new Set(['path', 'name', 'kind', 'enabled', 'critical', 'task', 'children']);

type Obj = Record<string, unknown>;

/** a task-role leaf as [path, name, enabled, critical, task] when it has nothing else */
function packLeaf(r: Obj): unknown[] | null {
  const children = r.children as Obj[] | undefined;
  if (
    r.kind === 'task' &&
    Array.isArray(children) &&
    children.length === 0 &&
    Object.keys(r).every((k) => LEAF_KEYS.has(k)) &&
    typeof r.enabled === 'boolean' &&
    typeof r.critical === 'boolean' &&
    typeof r.task === 'string' &&
    typeof r.path === 'string' &&
    typeof r.name === 'string'
  ) {
    return [r.path, r.name, r.enabled ? 1 : 0, r.critical ? 1 : 0, r.task];
  }
  return null;
}

/** a run of leaves: path, name and task each numbered with the same number */
interface LeafRun {
  path: Numbered;
  name: Numbered;
  task: Numbered;
  enabled: unknown;
  critical: unknown;
  count: number;
}

function leafRunOf(leaf: unknown[]): LeafRun | null {
  const name = numbered(leaf[1]);
  if (!name) return null;
  const path = numbered(leaf[0]);
  const task = numbered(leaf[4]);
  if (!path || !task || path.n !== name.n || task.n !== name.n) return null;
  return { path, name, task, enabled: leaf[2], critical: leaf[3], count: 1 };
}

function extendsLeafRun(run: LeafRun, leaf: unknown[]): boolean {
  const n = run.name.n + run.count;
  return (
    leaf[2] === run.enabled && leaf[3] === run.critical && leaf[1] === named(run.name, n) && leaf[0] === named(run.path, n) && leaf[4] === named(run.task, n)
  );
}

function writeLeafRun(run: LeafRun, out: unknown[]): void {
  const { path, name, task, enabled, critical, count } = run;
  if (count >= MIN_RUN) {
    out.push({ [RUN]: [path.head, path.tail, name.head, name.tail, enabled, critical, task.head, task.tail, name.n, count] });
    return;
  }
  for (let n = name.n; n < name.n + count; n++) out.push([named(path, n), named(name, n), enabled, critical, named(task, n)]);
}

/** a role's children packed, consecutive numbered leaves as runs */
function packChildren(children: Obj[]): unknown[] {
  const out: unknown[] = [];
  let run: LeafRun | null = null;
  for (const child of children) {
    const leaf = packLeaf(child);
    if (leaf && run && extendsLeafRun(run, leaf)) {
      run.count++;
      continue;
    }
    if (run) writeLeafRun(run, out);
    run = leaf ? leafRunOf(leaf) : null;
    if (!run) out.push(leaf ?? packRole(child));
  }
  if (run) writeLeafRun(run, out);
  return out;
}

export function packRole(r: Obj): unknown {
  const leaf = packLeaf(r);
  if (leaf) return leaf;
  const children = r.children as Obj[] | undefined;
  if (!Array.isArray(children)) return r;
  return { ...r, children: packChildren(children) };
}

function unpackLeaf(path: unknown, name: unknown, enabled: unknown, critical: unknown, task: unknown): Obj {
  return { path, name, kind: 'task', enabled: enabled === 1, critical: critical === 1, task, children: [] };
}

export function unpackRole(p: unknown, names: RunNames): Obj {
  if (Array.isArray(p)) return unpackLeaf(p[0], p[1], p[2], p[3], p[4]);
  const r = p as Obj;
  if (!Array.isArray(r.children)) return r;
  const children: Obj[] = [];
  for (const c of r.children as unknown[]) {
    if (!isRun(c)) {
      children.push(unpackRole(c, names));
      continue;
    }
    const [pathHead, pathTail, nameHead, nameTail, enabled, critical, taskHead, taskTail, first, count] = c[RUN] as [
      string,
      string,
      string,
      string,
      number,
      number,
      string,
      string,
      number,
      number,
    ];
    const paths = names.of(pathHead, pathTail, first, count);
    const leafNames = names.of(nameHead, nameTail, first, count);
    const tasks = names.of(taskHead, taskTail, first, count);
    for (let k = 0; k < count; k++) children.push(unpackLeaf(paths[k], leafNames[k], enabled, critical, tasks[k]));
  }
  return { ...r, children };
}
