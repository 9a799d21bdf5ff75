// Numbered runs, the part of the packed form (pack.ts) that keeps an iterator's tasks and role
// leaves as a first number and a count: `sim-{{ it }}` over a range names them head + n + tail.

/** the key of a numbered run among the tasks' refs or a role's children (no role has it) */
export const RUN = '$run';
/** shorter runs are written element by element (a run's header costs about as much) */
export const MIN_RUN = 4;

/** a name split around its last number: `head` + number + `tail` */
export interface Numbered {
  head: string;
  tail: string;
  n: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `s` split around its last run of digits, when String(n) gives those digits back exactly */
export function numbered(s: unknown): Numbered | null {
  if (typeof s !== 'string') return null;
  let end = s.length;
  while (end > 0 && !isDigit(s.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && isDigit(s.charCodeAt(start - 1))) start--;
  const digits = end - start;
  // no number, a leading zero (`x-01`) or one past exact integers: not a run's name
  if (digits === 0 || digits > 15 || (digits > 1 && s.charCodeAt(start) === 48)) return null;
  return { head: s.slice(0, start), tail: s.slice(end), n: Number(s.slice(start, end)) };
}

export function named(x: Numbered, n: number): string {
  return `${x.head}${n}${x.tail}`;
}

export function isRun(p: unknown): p is { [RUN]: unknown[] } {
  return !!p && typeof p === 'object' && !Array.isArray(p) && Array.isArray((p as Record<string, unknown>)[RUN]);
}

/**
 * The names of numbered runs, each made once per unpacking and shared: a task's name and role
 * path and its leaf's path, name and task are then one string when they read alike (a farm of a
 * million tasks: a million strings, not five).
 */
export class RunNames {
  private readonly made = new Map<string, string[]>();

  of(head: string, tail: string, first: number, count: number): string[] {
    const key = `${head}\u0000${tail}\u0000${first}\u0000${count}`;
    let names = this.made.get(key);
    if (!names) {
      names = new Array<string>(count);
      for (let k = 0; k < count; k++) names[k] = `${head}${first + k}${tail}`;
      this.made.set(key, names);
    }
    return names;
  }
}
