// @peculiar/x509 builds on tsyringe, which needs the Reflect metadata API (the `reflect-metadata`
// package) before it loads, and that package is not installed here. This is the part of that API
// tsyringe and tslib's __metadata use (define, get, get own, has, the `metadata` decorator), kept
// per target and property. It is replaced by `import 'reflect-metadata'` once the package is a
// dependency; it does nothing when a Reflect metadata API is already there.
type Key = string | symbol | undefined;
const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();

function table(target: object, property: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty && create) store.set(target, (byProperty = new Map()));
  let t = byProperty?.get(property);
  if (!t && create && byProperty) byProperty.set(property, (t = new Map()));
  return t;
}

const api = Reflect as unknown as Record<string, unknown>;
if (typeof api.getMetadata !== 'function') {
  const getOwn = (key: unknown, target: object, property?: Key) => table(target, property, false)?.get(key);
  const get = (key: unknown, target: object, property?: Key) => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
      const t = table(o, property, false);
      if (t?.has(key)) return t.get(key);
    }
    return undefined;
  };
  const define = (key: unknown, value: unknown, target: object, property?: Key) => void table(target, property, true)!.set(key, value);
  Object.assign(api, {
    defineMetadata: define,
    getOwnMetadata: getOwn,
    getMetadata: get,
    hasOwnMetadata: (key: unknown, target: object, property?: Key) => !!table(target, property, false)?.has(key),
    hasMetadata: (key: unknown, target: object, property?: Key) => get(key, target, property) !== undefined,
    metadata: (key: unknown, value: unknown) => (target: object, property?: Key) => define(key, value, target, property),
  });
}
