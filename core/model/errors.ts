// Structured errors. They cross process boundaries as ErrorDetail values (proto/common.proto)
// and are re-thrown as BatonError. Decide on `code`, never on the message text.

export type ErrorCode =
  | 'BAD_INPUT' // a request, flag or template is wrong: exit 2
  | 'BAD_TEMPLATE' // a workflow or task class is wrong (where = file:line:col): exit 2
  | 'NOT_FOUND' // unknown environment, task, node, template: exit 2
  | 'TRANSITION_NOT_ALLOWED' // not allowed from the current state: exit 2
  | 'BUSY' // another transition is under way: exit 1
  | 'TASK_FAILED' // a task failed a transition or exited: exit 1
  | 'TASK_LOST' // a task's agent is gone: exit 1
  | 'TIMEOUT' // the deadline passed; causes name the late tasks: exit 1
  | 'PLACEMENT' // no node fits a task: exit 1
  | 'HOOK_FAILED' // a critical hook failed: exit 1
  | 'GO_ERROR' // an operator (or a trainer) forced the environment into ERROR: exit 1
  | 'UNAVAILABLE' // the controller or an agent cannot be reached: exit 1
  | 'UNAUTHENTICATED' // bad or missing token: exit 1
  | 'ALREADY_OWNED' // an agent belongs to another controller (data.owner): exit 1
  | 'PERMISSION_DENIED' // the caller's role does not allow the call: exit 1
  | 'HELD' // another user holds the environment or the resource (data.holder, data.since): exit 1
  | 'NOT_LEADER' // this controller is a follower of its cluster (data.leader: the leader's address, '' while none): exit 1
  | 'INTERNAL'; // a bug: exit 1

export interface ErrorDetailLike {
  code: string;
  message: string;
  envId?: string;
  taskId?: string;
  taskName?: string;
  node?: string;
  exitCode?: number;
  signal?: string;
  lastLines?: string[];
  where?: string;
  transition?: string;
  causes?: ErrorDetailLike[];
  data?: Record<string, string>;
}

const USAGE_CODES = new Set(['BAD_INPUT', 'BAD_TEMPLATE', 'NOT_FOUND', 'TRANSITION_NOT_ALLOWED']);

export class BatonError extends Error {
  readonly detail: ErrorDetailLike;
  constructor(code: ErrorCode, message: string, fields: Omit<ErrorDetailLike, 'code' | 'message'> = {}) {
    super(message);
    this.name = 'BatonError';
    this.detail = { code, message, ...fields };
  }
  get code(): ErrorCode {
    return this.detail.code as ErrorCode;
  }
  /** CLI exit code: 2 for bad usage or input, 1 for a failed operation. */
  get exitCode(): 1 | 2 {
    return USAGE_CODES.has(this.detail.code) ? 2 : 1;
  }
  static fromDetail(d: ErrorDetailLike): BatonError {
    const { code, message, ...rest } = d;
    return new BatonError(code as ErrorCode, message, rest);
  }
  toJSON(): ErrorDetailLike {
    return this.detail;
  }
}

export function isBatonError(e: unknown): e is BatonError {
  return e instanceof BatonError;
}

/** Any thrown value as a BatonError (unknown errors become INTERNAL, keeping their message). */
export function toBatonError(e: unknown): BatonError {
  if (e instanceof BatonError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new BatonError('INTERNAL', msg);
}

/** A one-line human rendering that names what and where. */
export function formatError(d: ErrorDetailLike): string {
  const parts: string[] = [];
  if (d.where) parts.push(d.where);
  parts.push(d.message);
  const ctx: string[] = [];
  if (d.taskName) ctx.push(`task ${d.taskName}`);
  if (d.node) ctx.push(`node ${d.node}`);
  if (d.exitCode !== undefined && d.exitCode >= 0) ctx.push(`exit code ${d.exitCode}`);
  if (d.signal) ctx.push(`signal ${d.signal}`);
  let s = parts.join(': ');
  if (ctx.length) s += ` (${ctx.join(', ')})`;
  return s;
}
