// Control RPC ListAudit: the audit trail, newest first, filtered by user, environment and time.
import type { AuditRecord, ControlServer, ListAuditReply, ListAuditRequest } from '../../rpc/gen/control.js';
import { BatonError } from '../../model/errors.js';
import type { AuditRow } from '../../store/store.js';
import type { ControllerCore } from '../core.js';
import { unary } from '../server/wrap.js';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

export function auditHandlers(controller: ControllerCore): Pick<ControlServer, 'listAudit'> {
  return {
    listAudit: unary<ListAuditRequest, ListAuditReply>(controller, async (req) => {
      if (req.untilMs && req.sinceMs > req.untilMs) {
        throw new BatonError(
          'BAD_INPUT',
          `the time range is empty: since (${new Date(req.sinceMs).toISOString()}) is after until (${new Date(req.untilMs).toISOString()})`,
          {
            where: 'since_ms',
          },
        );
      }
      const rows = await controller.store.listAudit({
        user: req.user,
        envId: req.envId,
        sinceMs: req.sinceMs,
        untilMs: req.untilMs,
        limit: Math.min(req.limit || DEFAULT_LIMIT, MAX_LIMIT),
      });
      return { records: rows.map(auditToProto) };
    }),
  };
}

function auditToProto(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    timeMs: r.timeMs,
    user: r.user,
    role: r.role,
    client: r.client,
    method: r.method,
    envId: r.envId,
    argsJson: r.args,
    outcome: r.outcome,
    message: r.message,
  };
}
