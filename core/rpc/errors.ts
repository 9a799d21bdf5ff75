// Structured errors over gRPC: an ErrorDetail travels in the `baton-error-bin` trailer and is
// re-thrown on the client as a BatonError with the same code and fields.
import * as grpc from '@grpc/grpc-js';
import { ErrorDetail } from './gen/common.js';
import { BatonError, toBatonError, type ErrorDetailLike } from '../model/errors.js';

const KEY = 'baton-error-bin';

const STATUS_FOR: Record<string, grpc.status> = {
  BAD_INPUT: grpc.status.INVALID_ARGUMENT,
  BAD_TEMPLATE: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  TRANSITION_NOT_ALLOWED: grpc.status.FAILED_PRECONDITION,
  BUSY: grpc.status.ABORTED,
  TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  PLACEMENT: grpc.status.RESOURCE_EXHAUSTED,
  ALREADY_OWNED: grpc.status.ALREADY_EXISTS,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  HELD: grpc.status.FAILED_PRECONDITION,
  // a follower refuses before it acts: the client may try the leader (rpc/leader-client.ts)
  NOT_LEADER: grpc.status.UNAVAILABLE,
};

export function detailToProto(d: ErrorDetailLike): ErrorDetail {
  return ErrorDetail.fromPartial({
    ...d,
    exitCode: d.exitCode ?? -1,
    causes: (d.causes ?? []).map(detailToProto),
    data: d.data ?? {},
  });
}

export function detailFromProto(p: ErrorDetail): ErrorDetailLike {
  const d: ErrorDetailLike = { code: p.code, message: p.message };
  if (p.envId) d.envId = p.envId;
  if (p.taskId) d.taskId = p.taskId;
  if (p.taskName) d.taskName = p.taskName;
  if (p.node) d.node = p.node;
  if (p.exitCode >= 0) d.exitCode = p.exitCode;
  if (p.signal) d.signal = p.signal;
  if (p.lastLines.length) d.lastLines = p.lastLines;
  if (p.where) d.where = p.where;
  if (p.transition) d.transition = p.transition;
  if (p.causes.length) d.causes = p.causes.map(detailFromProto);
  if (Object.keys(p.data).length) d.data = p.data;
  return d;
}

/** The ServiceError a handler passes to its callback (or emits on a stream) for any thrown value. */
export function toServiceError(e: unknown): grpc.ServiceError {
  const be = toBatonError(e);
  const md = new grpc.Metadata();
  md.set(KEY, Buffer.from(ErrorDetail.encode(detailToProto(be.detail)).finish()));
  const err = new Error(be.message) as grpc.ServiceError;
  err.code = STATUS_FOR[be.code] ?? grpc.status.UNKNOWN;
  err.details = be.message;
  err.metadata = md;
  return err;
}

/** Re-throws a grpc client error as a BatonError (structured when the server sent a detail). */
export function fromServiceError(e: unknown): BatonError {
  if (e instanceof BatonError) return e;
  const se = e as Partial<grpc.ServiceError>;
  const raw = se?.metadata?.get(KEY)?.[0];
  if (raw && Buffer.isBuffer(raw)) {
    return BatonError.fromDetail(detailFromProto(ErrorDetail.decode(raw)));
  }
  if (se?.code === grpc.status.UNAVAILABLE) {
    return new BatonError('UNAVAILABLE', `cannot reach the server: ${se.details ?? se.message}`);
  }
  if (se?.code === grpc.status.UNAUTHENTICATED) {
    return new BatonError('UNAUTHENTICATED', se.details ?? 'unauthenticated');
  }
  if (se?.code === grpc.status.DEADLINE_EXCEEDED) {
    return new BatonError('TIMEOUT', se.details ?? 'deadline exceeded');
  }
  if (se?.code === grpc.status.RESOURCE_EXHAUSTED && /message larger than max/i.test(se.details ?? '')) {
    // grpc-js refused the message before any handler saw it: the request (or reply) size limit
    return new BatonError('BAD_INPUT', `the message is too large (limit grpc.max_message_length: ${se.details})`, {
      data: { limit: 'grpc.max_message_length' },
    });
  }
  return toBatonError(e);
}
