// Errors from the gateway arrive as ErrorDetail JSON and are re-thrown as real BatonErrors, so
// the UI decides on `code` and shows the structured fields (task, node, exit code, last lines).
import { BatonError, type ErrorDetailLike } from '../../../core/model/errors.js';
import type { ErrorDetail } from '../../../core/rpc/gen/common.js';

/** The wire ErrorDetail (every field present, exitCode -1 when none) as an ErrorDetailLike. */
export function detailFromWire(p: Partial<ErrorDetail> | undefined | null): ErrorDetailLike {
  if (!p) return { code: 'INTERNAL', message: 'unknown error' };
  const d: ErrorDetailLike = { code: p.code || 'INTERNAL', message: p.message || p.code || 'error' };
  if (p.envId) d.envId = p.envId;
  if (p.taskId) d.taskId = p.taskId;
  if (p.taskName) d.taskName = p.taskName;
  if (p.node) d.node = p.node;
  if (typeof p.exitCode === 'number' && p.exitCode >= 0) d.exitCode = p.exitCode;
  if (p.signal) d.signal = p.signal;
  if (p.lastLines?.length) d.lastLines = p.lastLines;
  if (p.where) d.where = p.where;
  if (p.transition) d.transition = p.transition;
  if (p.causes?.length) d.causes = p.causes.map(detailFromWire);
  if (p.data && Object.keys(p.data).length) d.data = p.data;
  return d;
}

export function errorFromWire(p: Partial<ErrorDetail> | undefined | null): BatonError {
  return BatonError.fromDetail(detailFromWire(p));
}

export function asBatonError(e: unknown): BatonError {
  if (e instanceof BatonError) return e;
  return new BatonError('INTERNAL', e instanceof Error ? e.message : String(e));
}

export { BatonError };
