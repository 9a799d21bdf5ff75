// A compact stored form of an expanded workflow. At 150k tasks the plain JSON is ~70 MB, mostly
// the same task spec repeated with another name and the same leaf role repeated: those are kept
// once. pack/unpack round-trip exactly (unit-tested); anything unexpected is stored as is.
//
// v2 adds numbered runs: an iterator's tasks (`sim-{{ it }}` over a range) are named
// prefix + consecutive number + suffix, one spec each, and their role leaves likewise. Such a run
// is kept as its first number and count, so the stored form grows with the template, not with
// the tasks: a 1M-task farm's v1 text was 61.6 MB of names written twice, which the worker wrote,
// the controller parsed again and the store wrote on the controller's thread (docs/performance.md,
// "The create at a million tasks"). v1 texts (stored before) still unpack.

import { isRun, MIN_RUN, named, numbered, RUN, RunNames, type Numbered } from './pack-runs.js';
import { packRole, unpackRole } from './pack-roles.js';

const PACKED_V1 = 'baton.packed.v1';
const PACKED = 'baton.packed.v2';

type Obj = Record<string, unknown>;

/** deep equality of JSON values (cheaper than stringifying both) */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as Obj);
  if (ka.length !== Object.keys(b as Obj).length) return false;
  for (const k of ka) if (!same((a as Obj)[k], (b as Obj)[k])) return false;
  return true;
}

/** a task equals `spec` but for its name and role path (no copy of the task made to compare) */
function hasSpec(task: Obj, spec: Obj, specKeys: number): boolean {
  let keys = 0;
  for (const k in task) {
    if (k === 'name' || k === 'rolePath') continue;
    if (!(k in spec) || !same(task[k], spec[k])) return false;
    keys++;
  }
  return keys === specKeys;
}

/** a run of task refs: one spec, names (and role paths, when they differ) numbered alike */
interface TaskRun {
  spec: number;
  name: Numbered;
  role: Numbered | null;
  count: number;
}

function writeTaskRun(run: TaskRun, out: unknown[]): void {
  const { spec, name, role, count } = run;
  if (count >= MIN_RUN) {
    out.push({ [RUN]: role ? [spec, name.head, name.tail, name.n, count, role.head, role.tail] : [spec, name.head, name.tail, name.n, count] });
    return;
  }
  for (let n = name.n; n < name.n + count; n++) out.push(role ? [spec, named(name, n), named(role, n)] : [spec, named(name, n)]);
}

export function packExpanded(x: unknown): unknown {
  const w = x as Obj | null;
  if (!w || typeof w !== 'object' || !Array.isArray(w.tasks) || !w.root || typeof w.root !== 'object') return x;
  const index = new Map<string, number>();
  const specs: Obj[] = [];
  const specKeys: number[] = [];
  const refs: unknown[] = [];
  let last = -1;
  let run: TaskRun | null = null;
  for (const t of w.tasks as Obj[]) {
    const { name, rolePath } = t;
    // tasks of one iterator come in a row with the same spec: compare with the last one first
    let i: number | undefined = last >= 0 && hasSpec(t, specs[last]!, specKeys[last]!) ? last : undefined;
    if (i === undefined) {
      const { name: _name, rolePath: _rolePath, ...rest } = t;
      const key = JSON.stringify(rest);
      i = index.get(key);
      if (i === undefined) {
        i = specs.length;
        specs.push(rest);
        specKeys.push(Object.keys(rest).length);
        index.set(key, i);
      }
    }
    last = i;
    if (run && run.spec === i) {
      const n = run.name.n + run.count;
      if (name === named(run.name, n) && rolePath === (run.role ? named(run.role, n) : name)) {
        run.count++;
        continue;
      }
    }
    if (run) writeTaskRun(run, refs);
    run = null;
    const numberedName = numbered(name);
    const role = rolePath === name ? null : numbered(rolePath);
    if (numberedName && (rolePath === name || role?.n === numberedName.n)) run = { spec: i, name: numberedName, role, count: 1 };
    else refs.push(rolePath === name ? [i, name] : [i, name, rolePath]);
  }
  if (run) writeTaskRun(run, refs);
  const { tasks: _t, root, ...base } = w;
  return { $format: PACKED, base, specs, tasks: refs, root: packRole(root as Obj) };
}

function isPacked(p: unknown): p is Obj {
  const format = !!p && typeof p === 'object' ? (p as Obj).$format : undefined;
  return format === PACKED || format === PACKED_V1;
}

/** where the unpacking of a packed form's task refs is: a ref, and how far into its run */
interface Cursor {
  ref: number;
  inRun: number;
}

/** up to `max` more tasks from `cursor` on, appended to `out` (the cursor moves past them) */
function unpackTasks(w: Obj, cursor: Cursor, max: number, out: Obj[], names: RunNames): void {
  const specs = w.specs as Obj[];
  const refs = w.tasks as unknown[];
  for (let made = 0; made < max && cursor.ref < refs.length; ) {
    const ref = refs[cursor.ref]!;
    if (!isRun(ref)) {
      const plain = ref as unknown[];
      out.push({ name: plain[1], rolePath: plain.length > 2 ? plain[2] : plain[1], ...specs[plain[0] as number]! });
      made++;
      cursor.ref++;
      continue;
    }
    const [spec, nameHead, nameTail, first, count, roleHead, roleTail] = ref[RUN] as [number, string, string, number, number, string?, string?];
    const taskNames = names.of(nameHead, nameTail, first, count);
    const rolePaths = roleHead === undefined ? taskNames : names.of(roleHead, roleTail ?? '', first, count);
    const to = Math.min(count, cursor.inRun + max - made);
    for (let k = cursor.inRun; k < to; k++) out.push({ name: taskNames[k], rolePath: rolePaths[k], ...specs[spec]! });
    made += to - cursor.inRun;
    cursor.inRun = to;
    if (to === count) {
      cursor.ref++;
      cursor.inRun = 0;
    }
  }
}

export function unpackExpanded(p: unknown): unknown {
  if (!isPacked(p)) return p;
  const tasks: Obj[] = [];
  const names = new RunNames();
  unpackTasks(p, { ref: 0, inRun: 0 }, Number.POSITIVE_INFINITY, tasks, names);
  return { ...(p.base as Obj), root: unpackRole(p.root, names), tasks };
}

/**
 * unpackExpanded, with `pause()` awaited after every `slice` tasks: a caller on an event loop
 * that must keep answering (the controller's create of a million tasks) yields there.
 */
export async function unpackExpandedInSlices(p: unknown, slice: number, pause: () => Promise<void>): Promise<unknown> {
  if (!isPacked(p)) return p;
  const tasks: Obj[] = [];
  const refs = p.tasks as unknown[];
  const cursor: Cursor = { ref: 0, inRun: 0 };
  const names = new RunNames();
  while (cursor.ref < refs.length) {
    unpackTasks(p, cursor, slice, tasks, names);
    await pause();
  }
  return { ...(p.base as Obj), root: unpackRole(p.root, names), tasks };
}

/** the packed JSON an expansion was decoded from (workers/expansion-codec.ts): stored as it is */
const packedText = new WeakMap<object, string>();

/** Notes that `expanded` was decoded from `text` (packExpanded's JSON) and has not changed since. */
export function rememberPackedText(expanded: object, text: string): void {
  packedText.set(expanded, text);
}

/**
 * The packed form as JSON: the text it was decoded from, once (the create's store), else packed
 * now. Once only: a later rewrite is of an expansion that changed since (an exclusion).
 */
export function packedJson(expanded: unknown): string {
  const known = expanded && typeof expanded === 'object' ? packedText.get(expanded) : undefined;
  if (known !== undefined) {
    packedText.delete(expanded as object);
    return known;
  }
  return JSON.stringify(packExpanded(expanded ?? null));
}
