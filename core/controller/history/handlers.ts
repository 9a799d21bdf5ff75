// Control RPC QueryHistory (observer): channel rates, task cpu/memory, node load over a time range,
// from the rings or, when configured, Prometheus (docs/architecture.md, "Load history").
import { BatonError } from '../../model/errors.js';
import type { ControlServer, QueryHistoryReply, QueryHistoryRequest } from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import { unary } from '../server/wrap.js';
import { queryPrometheus } from './prometheus.js';
import { queryRings } from './rings-query.js';
import { historyOf } from './sampler.js';
import { resolveSelector } from './selector.js';

export function historyHandlers(controller: ControllerCore): Pick<ControlServer, 'queryHistory'> {
  return {
    queryHistory: unary<QueryHistoryRequest, QueryHistoryReply>(controller, async (req) => {
      const history = historyOf(controller);
      if (!history) throw new BatonError('UNAVAILABLE', 'this controller keeps no load history (stopping)', { where: 'history' });
      const selector = resolveSelector(controller, req);
      return history.prometheusUrl ? queryPrometheus(history.prometheusUrl, selector) : queryRings(history.store, selector);
    }),
  };
}
