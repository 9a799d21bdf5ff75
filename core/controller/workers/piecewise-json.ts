// JSON text that can be parsed in pieces. JSON.parse has no way to stop and go on, and the packed
// expansion of a million tasks is 60 MB of JSON: 2 s of the controller's thread in one go. The
// writer makes the same text JSON.stringify would, and notes where the elements of its large
// arrays are (the tasks' refs, an iterator's leaves) as character ranges of that text, plus a
// skeleton: the value with those arrays empty. The reader parses the skeleton, then each range
// into its array, with a pause between slices; the text itself is kept whole (the store's).

/** arrays longer than this are written as pieces (their elements are not looked into) */
const LARGE_ARRAY = 1000;
/** elements per piece */
const PIECE = 20_000;

type Key = string | number;

export interface Pieces {
  /** the value as JSON with each large array empty */
  skeleton: string;
  /** each large array: where it is in the skeleton, and its elements' ranges in the text */
  arrays: { path: Key[]; ranges: [number, number][] }[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** an array written as it is: no element that holds an object or an array of them */
function isFlat(a: unknown[]): boolean {
  for (const e of a) {
    if (typeof e !== 'object' || e === null) continue;
    if (!Array.isArray(e)) return false;
    for (const x of e) if (typeof x === 'object' && x !== null) return false;
  }
  return true;
}

/** `value` as the JSON text JSON.stringify gives, and where its large arrays' elements are */
export function writePiecewise(value: unknown): { text: string; pieces: Pieces } {
  const parts: string[] = [];
  let length = 0;
  const emit = (s: string) => {
    parts.push(s);
    length += s.length;
  };
  const arrays: Pieces['arrays'] = [];

  /** writes `v` and returns its skeleton */
  const write = (v: unknown, path: Key[]): unknown => {
    if (Array.isArray(v)) {
      if (v.length > LARGE_ARRAY) {
        const ranges: [number, number][] = [];
        emit('[');
        for (let from = 0; from < v.length; from += PIECE) {
          if (from > 0) emit(',');
          const inner = JSON.stringify(v.slice(from, from + PIECE)).slice(1, -1);
          ranges.push([length, length + inner.length]);
          emit(inner);
        }
        emit(']');
        arrays.push({ path, ranges });
        return [];
      }
      if (isFlat(v)) {
        emit(JSON.stringify(v));
        return v;
      }
      emit('[');
      const skeleton = v.map((e, i) => {
        if (i > 0) emit(',');
        // as JSON.stringify does: an element with no JSON form is null
        if (e === undefined || typeof e === 'function' || typeof e === 'symbol') {
          emit('null');
          return null;
        }
        return write(e, [...path, i]);
      });
      emit(']');
      return skeleton;
    }
    if (isPlainObject(v) && typeof v.toJSON !== 'function') {
      emit('{');
      const skeleton: Record<string, unknown> = {};
      let first = true;
      for (const k of Object.keys(v)) {
        const x = v[k];
        // as JSON.stringify does: keys whose value has no JSON form are left out
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        emit(`${first ? '' : ','}${JSON.stringify(k)}:`);
        first = false;
        skeleton[k] = write(x, [...path, k]);
      }
      emit('}');
      return skeleton;
    }
    emit(JSON.stringify(v) ?? 'null');
    return v;
  };
  const skeleton = write(value, []);
  return { text: parts.join(''), pieces: { skeleton: JSON.stringify(skeleton), arrays } };
}

/** The value of `text` (writePiecewise's), parsed a slice of elements at a time with `pause()` between. */
export async function readPiecewise(text: string, pieces: Pieces, slice: number, pause: () => Promise<void>): Promise<unknown> {
  const root: unknown = JSON.parse(pieces.skeleton);
  let sincePause = 0;
  for (const { path, ranges } of pieces.arrays) {
    let target: unknown = root;
    for (const k of path) target = (target as Record<Key, unknown>)[k];
    if (!Array.isArray(target)) throw new Error(`piecewise JSON: no array at ${path.join('.')}`);
    for (const [start, end] of ranges) {
      const elements = JSON.parse(`[${text.slice(start, end)}]`) as unknown[];
      for (const e of elements) target.push(e);
      sincePause += elements.length;
      if (sincePause >= slice) {
        sincePause = 0;
        await pause();
      }
    }
  }
  return root;
}
