// Store latency: every Store method the controller calls is timed into one histogram, by method.
// A Proxy rather than a second Store implementation: a new Store method is timed without a line
// here. The SQLite store works synchronously inside its promises, so the time is the database's.
import { Histogram, type Registry } from 'prom-client';
import type { Store } from '../../store/store.js';

/** From a tenth of a millisecond (a cached read) to seconds (a checkpoint behind a large write). */
const STORE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function timedStore(store: Store, registry: Registry): Store {
  const seconds = new Histogram({
    name: 'baton_store_operation_seconds',
    help: 'Time of each store operation, by Store method',
    labelNames: ['operation'],
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      let fn = wrapped.get(key);
      if (!fn) {
        const operation = key;
        const method = value as (...args: unknown[]) => unknown;
        fn = (...args: unknown[]) => {
          const end = seconds.startTimer({ operation });
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (e) {
            end();
            throw e;
          }
          // the timer's end takes labels as its argument: never hand it the promise's value
          if (result instanceof Promise)
            result.then(
              () => void end(),
              () => void end(),
            );
          else end();
          return result;
        };
        wrapped.set(key, fn);
      }
      return fn;
    },
  });
}
