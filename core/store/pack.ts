// A compact stored form of an expanded workflow. At 150k tasks the plain JSON is ~70 MB, mostly
// the same task spec repeated with another name and the same leaf role repeated: those are kept
// once. pack/unpack round-trip exactly (unit-tested); anything unexpected is stored as is.

const PACKED = 'baton.packed.v1';
const LEAF_KEYS = new Set(['path', 'name', 'kind', 'enabled', 'critical', 'task', 'children']);

type Obj = Record<string, unknown>;

/** a task-role leaf as [path, name, enabled, critical, task] when it has nothing else */
function packRole(r: Obj): unknown {
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
  if (!Array.isArray(children)) return r;
  return { ...r, children: children.map(packRole) };
}

function unpackRole(p: unknown): Obj {
  if (Array.isArray(p)) {
    return { path: p[0], name: p[1], kind: 'task', enabled: p[2] === 1, critical: p[3] === 1, task: p[4], children: [] };
  }
  const r = p as Obj;
  if (!Array.isArray(r.children)) return r;
  return { ...r, children: (r.children as unknown[]).map(unpackRole) };
}

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

export function packExpanded(x: unknown): unknown {
  const w = x as Obj | null;
  if (!w || typeof w !== 'object' || !Array.isArray(w.tasks) || !w.root || typeof w.root !== 'object') return x;
  const index = new Map<string, number>();
  const specs: Obj[] = [];
  const refs: unknown[] = [];
  let last = -1;
  for (const t of w.tasks as Obj[]) {
    const { name, rolePath, ...rest } = t;
    // tasks of one iterator come in a row with the same spec: compare with the last one first
    let i: number | undefined = last >= 0 && same(specs[last], rest) ? last : undefined;
    if (i === undefined) {
      const key = JSON.stringify(rest);
      i = index.get(key);
      if (i === undefined) {
        i = specs.length;
        specs.push(rest);
        index.set(key, i);
      }
    }
    last = i;
    refs.push(rolePath === name ? [i, name] : [i, name, rolePath]);
  }
  const { tasks: _t, root, ...base } = w;
  return { $format: PACKED, base, specs, tasks: refs, root: packRole(root as Obj) };
}

function isPacked(p: unknown): p is Obj {
  return !!p && typeof p === 'object' && (p as Obj).$format === PACKED;
}

/** the tasks refs[from..to) of a packed form, appended to `out` */
function unpackTasks(w: Obj, from: number, to: number, out: Obj[]): void {
  const specs = w.specs as Obj[];
  const refs = w.tasks as unknown[][];
  for (let i = from; i < to; i++) {
    const ref = refs[i]!;
    out.push({ name: ref[1], rolePath: ref.length > 2 ? ref[2] : ref[1], ...specs[ref[0] as number]! });
  }
}

export function unpackExpanded(p: unknown): unknown {
  if (!isPacked(p)) return p;
  const tasks: Obj[] = [];
  unpackTasks(p, 0, (p.tasks as unknown[]).length, tasks);
  return { ...(p.base as Obj), root: unpackRole(p.root), tasks };
}

/**
 * unpackExpanded, with `pause()` awaited after every `slice` tasks: a caller on an event loop
 * that must keep answering (the controller's create of a million tasks) yields there.
 */
export async function unpackExpandedInSlices(p: unknown, slice: number, pause: () => Promise<void>): Promise<unknown> {
  if (!isPacked(p)) return p;
  const tasks: Obj[] = [];
  const count = (p.tasks as unknown[]).length;
  for (let from = 0; from < count; from += slice) {
    unpackTasks(p, from, Math.min(count, from + slice), tasks);
    await pause();
  }
  return { ...(p.base as Obj), root: unpackRole(p.root), tasks };
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
