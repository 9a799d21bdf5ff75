// Building TaskUpdate messages. ts-proto's encode wants every field present, and fromPartial is
// too slow for 150k sim updates, so updates are built from one template object.
import type { TaskUpdate } from '../rpc/gen/agent.js';
import type { ErrorDetail, ExitInfo } from '../rpc/gen/common.js';
import { detailToProto } from '../rpc/errors.js';
import type { ErrorCode, ErrorDetailLike } from '../model/errors.js';

const EMPTY: TaskUpdate = {
  taskId: '',
  kind: '',
  state: '',
  batchId: 0,
  ok: false,
  pid: 0,
  ports: {},
  logPath: '',
  exit: undefined,
  error: undefined,
  eventKind: '',
  message: '',
  host: '',
  timeMs: 0,
  addresses: {},
  position: undefined,
};

export type UpdateKind = 'launched' | 'failed' | 'state' | 'exited' | 'event';

export function makeUpdate(taskId: string, kind: UpdateKind, fields: Partial<TaskUpdate>): TaskUpdate {
  return { ...EMPTY, ports: {}, addresses: {}, taskId, kind, timeMs: Date.now(), ...fields };
}

/**
 * An ErrorDetail with every field present, built directly like the updates above (fromPartial's
 * copy of each field was a fifth of a destroy's agent cpu: every task the agent kills is reported
 * with one, `data.killed`).
 */
export function errorDetail(code: ErrorCode, message: string, fields: Omit<ErrorDetailLike, 'code' | 'message'> = {}): ErrorDetail {
  return {
    code,
    message,
    envId: fields.envId ?? '',
    taskId: fields.taskId ?? '',
    taskName: fields.taskName ?? '',
    node: fields.node ?? '',
    exitCode: fields.exitCode ?? -1,
    signal: fields.signal ?? '',
    lastLines: fields.lastLines ?? [],
    where: fields.where ?? '',
    transition: fields.transition ?? '',
    causes: fields.causes?.length ? fields.causes.map(detailToProto) : [],
    data: fields.data ?? {},
  };
}

export function exitInfo(code: number | null, signal: string | null): ExitInfo {
  return { exited: true, code: code ?? -1, signal: signal ?? '', timeMs: Date.now() };
}

/** "exit code 3" / "signal SIGKILL": for messages a person reads. */
export function describeExit(e: ExitInfo): string {
  return e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
}

/** Where updates go: the agent's outbox (batched towards the current controller session). */
export interface UpdateSink {
  push(u: TaskUpdate): void;
  /** the plain answers to this batch may go by position (answered), not as TaskUpdates */
  answersByPosition(batchId: number): boolean;
  /** the item at `position` of the batch did what was asked and is now in `state` */
  answered(batchId: number, position: number, state: string): void;
  /** answers that carry their task's exit may go by position too (answeredExit) */
  exitsByPosition(batchId: number): boolean;
  /** as answered, and the task's process has exited with `exit` (its exit report too) */
  answeredExit(batchId: number, position: number, state: string, exit: ExitInfo): void;
}
