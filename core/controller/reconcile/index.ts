// The reconcile loop: settles environments a controller crash left between two states
// (restart.ts), then, every few seconds and after each agent reconnect, compares every idle
// environment's state with its tasks' (divergence.ts).
import type { ControllerCore } from '../core.js';
import { checkEnvironment, type Reported } from './divergence.js';
import { heldEnvs, settleHeld } from './restart.js';

/** how often idle environments are compared with their tasks */
export const RECONCILE_MS = 2000;
/** how often environments held after a restart are looked at until they are decided */
const HELD_POLL_MS = 100;
/** after an agent's Hello: its updates (late answers) get this long to arrive before a check */
const AFTER_HELLO_MS = 300;

export interface Reconciler {
  /** runs one pass now (tests, and after a reconnect) */
  pass(): Promise<void>;
  stop(): void;
}

export function startReconcile(controller: ControllerCore): Reconciler {
  const started = Date.now();
  const reported: Reported = new WeakMap();
  let running: Promise<void> | null = null;
  let stopped = false;

  const pass = (): Promise<void> => {
    running ??= (async () => {
      try {
        if (stopped || controller.stopping) return;
        // past the restore grace, a node that never came back has been given up (its tasks lost)
        const graceOver = Date.now() - started > controller.cfg.heartbeatTimeoutMs + HELD_POLL_MS;
        await settleHeld(controller, graceOver);
        for (const env of controller.envs.values()) checkEnvironment(controller, env, reported);
      } catch (e) {
        console.error(`baton controller: reconcile pass failed: ${(e as Error).message}`);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const loop = setInterval(() => void pass(), RECONCILE_MS);
  loop.unref();
  const heldLoop = setInterval(() => {
    if (heldEnvs(controller).length) void pass();
    else clearInterval(heldLoop);
  }, HELD_POLL_MS);
  heldLoop.unref();
  let soon: NodeJS.Timeout | null = null;
  const unlisten = controller.events.listen({
    push(events) {
      if (soon || !events.some((e) => e.kind === 'node.up')) return;
      soon = setTimeout(() => {
        soon = null;
        void pass();
      }, AFTER_HELLO_MS);
      soon.unref();
    },
  });
  return {
    pass,
    stop() {
      stopped = true;
      clearInterval(loop);
      clearInterval(heldLoop);
      if (soon) clearTimeout(soon);
      unlisten();
    },
  };
}
