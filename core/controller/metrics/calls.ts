// gRPC calls to the Control service by method and outcome, observed by the guard
// (server/guard.ts) that every Control method passes. The guard calls observeCall; a controller
// without metrics has no entry here and the call costs a map lookup.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ControllerCore } from '../core.js';

interface CallMetrics {
  calls: Counter;
  seconds: Histogram;
}

const byController = new WeakMap<ControllerCore, CallMetrics>();

const CALL_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

export function registerCallMetrics(controller: ControllerCore, registry: Registry): void {
  byController.set(controller, {
    calls: new Counter({
      name: 'baton_grpc_calls_total',
      help: 'Control calls ended, by method (as control.proto names it) and code (OK or the BatonError code)',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'baton_grpc_call_duration_seconds',
      help: 'Time of unary Control calls, by method (streams are left out: a Subscribe lasts as long as its client)',
      labelNames: ['method'],
      buckets: CALL_BUCKETS,
      registers: [registry],
    }),
  });
}

/** A Control call ended: `method` is the generated handler's name (getInfo), `code` OK or the error's. */
export function observeCall(controller: ControllerCore, method: string, code: string, startedMs: number, unary: boolean): void {
  const m = byController.get(controller);
  if (!m) return;
  const name = method.charAt(0).toUpperCase() + method.slice(1);
  m.calls.inc({ method: name, code });
  if (unary) m.seconds.observe({ method: name }, (Date.now() - startedMs) / 1000);
}
