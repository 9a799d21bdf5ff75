// Control RPC QueryEvents: the stored events, newest first, filtered (kind prefixes, severity,
// environment, task, user, time range, text) and paged by seq. The console's Events view reads
// its history here, so an error stays findable however many task events came after it.
import type { ControlServer, QueryEventsReply, QueryEventsRequest } from '../../rpc/gen/control.js';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { unary } from '../server/wrap.js';
import { eventFromStored } from './bus.js';
import { eventToProto } from './subscribe.js';

export const DEFAULT_EVENT_PAGE = 500;
export const MAX_EVENT_PAGE = 5000;
const SEVERITIES = new Set(['', 'error']);

export function eventQueryHandlers(controller: ControllerCore): Pick<ControlServer, 'queryEvents'> {
  return {
    queryEvents: unary<QueryEventsRequest, QueryEventsReply>(controller, async (req) => {
      if (!SEVERITIES.has(req.severity)) {
        throw new BatonError('BAD_INPUT', `severity ${JSON.stringify(req.severity)}: expected '' (all) or 'error'`, { where: 'severity' });
      }
      if (req.untilMs && req.sinceMs > req.untilMs) {
        throw new BatonError(
          'BAD_INPUT',
          `the time range is empty: since (${new Date(req.sinceMs).toISOString()}) is after until (${new Date(req.untilMs).toISOString()})`,
          { where: 'since_ms' },
        );
      }
      // events still in the write-behind buffer are stored first, so the answer includes them
      await controller.events.flush();
      const limit = Math.min(req.limit || DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE);
      const rows = await controller.store.queryEvents({
        kinds: req.kinds,
        severity: req.severity,
        envId: req.envId,
        taskId: req.taskId,
        user: req.user,
        sinceMs: req.sinceMs,
        untilMs: req.untilMs,
        beforeSeq: req.beforeSeq,
        text: req.text,
        limit: limit + 1,
      });
      const more = rows.length > limit;
      return { events: rows.slice(0, limit).map((r) => eventToProto(eventFromStored(r.seq, r.body))), more };
    }),
  };
}
