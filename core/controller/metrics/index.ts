// The controller's Prometheus metrics (docs/observability.md): a registry of its own (several
// controllers may share a process: tests, embedders), served on --metrics-listen. Everything is
// read from the controller's memory at scrape time or counted from its stored events; the only
// code on a hot path is the store timing and one counter per Control call.
import { Registry } from 'prom-client';
import { BatonError } from '../../model/errors.js';
import { parseMetricsListen, processMetrics, serveMetrics, type MetricsEndpoint } from '../../rpc/metrics-endpoint.js';
import type { Store } from '../../store/store.js';
import type { ControllerCore } from '../core.js';
import { registerCallMetrics } from './calls.js';
import { registerEventCounters } from './events.js';
import { registerStateGauges } from './state.js';
import { timedStore } from './store.js';

export { DEFAULT_TASK_LABEL_LIMIT, setTaskLabelLimit } from './labels.js';

/** Checks ControllerOptions.taskLabelLimit (a whole number, 0 or more). */
export function checkTaskLabelLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new BatonError('BAD_INPUT', `task label limit ${limit}: a whole number of tasks, 0 or more`, { where: 'taskLabelLimit' });
  }
  return limit;
}

export class ControllerMetrics {
  readonly registry = new Registry();
  private endpoint: MetricsEndpoint | null = null;
  private stopCounting: (() => void) | null = null;

  /** Checks the listen address at once, before the controller opens anything. */
  constructor(private readonly listen: string) {
    parseMetricsListen(listen, 'metrics listen');
    processMetrics(this.registry, 'baton_controller_');
  }

  /** The store, timed (baton_store_operation_seconds). */
  timeStore(store: Store): Store {
    return timedStore(store, this.registry);
  }

  /** Registers the controller's series and serves them; returns the URL. */
  async serve(controller: ControllerCore): Promise<string> {
    registerStateGauges(controller, this.registry);
    registerCallMetrics(controller, this.registry);
    this.stopCounting = registerEventCounters(controller, this.registry);
    this.endpoint = await serveMetrics(this.listen, this.registry, 'metrics listen');
    return this.endpoint.url;
  }

  async stop(): Promise<void> {
    this.stopCounting?.();
    await this.endpoint?.stop();
  }
}
