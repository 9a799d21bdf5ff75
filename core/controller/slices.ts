// Long steps on the controller's thread (a million tasks' decode, records, messages) are cut into
// slices with a turn of the event loop between them, so that agents' heartbeats and the
// controller's own RPCs are answered while the step goes on.

/** tasks handled between two yields in a long step */
export const SLICE_TASKS = 20_000;

/** lets the event loop run what is due (I/O, timers) before the next slice */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
