// The size limits of every Control request, in one table: each request message of
// proto/control.proto, each of its fields. A request over a limit is answered BAD_INPUT naming
// the limit and the field, before the handler runs, so that no client can make the controller
// hold, parse or expand something absurd (a 50 MB var, a 3 MB template to lint). The walk test
// (test/integration/limits/table.test.ts) fails when a request message or field has no entry.
// Limits of what a template expands to (role depth, `for` items, tasks) are the workflow
// layer's: core/workflow/limits.ts.
import { BatonError } from '../../model/errors.js';
import { MAX_ROLE_PATH } from '../../workflow/limits.js';

const KIB = 1024;
const MIB = 1024 * KIB;

export type FieldLimit =
  | { kind: 'string'; maxBytes: number }
  | { kind: 'map'; maxEntries: number; maxKeyBytes: number; maxValueBytes: number; maxTotalBytes: number }
  | { kind: 'list'; maxItems: number; maxItemBytes: number }
  | { kind: 'number'; max: number }
  | { kind: 'bool' };

const text = (maxBytes: number): FieldLimit => ({ kind: 'string', maxBytes });
const number = (max: number): FieldLimit => ({ kind: 'number', max });
const bool: FieldLimit = { kind: 'bool' };

/** The largest request message the server decodes (grpc.max_receive_message_length). */
export const MAX_REQUEST_BYTES = 4 * MIB;

/** An id (environment, task), a node name, a state or transition name, a signal. */
const ID = text(256);
/** A path or an address. */
const PATH = text(4 * KIB);
const OWNER = text(256);
const REVISION = text(256);
/** Template vars: as many and as large as a real workflow's, far from what could hurt. */
export const VARS: FieldLimit = { kind: 'map', maxEntries: 1000, maxKeyBytes: 256, maxValueBytes: 64 * KIB, maxTotalBytes: 1 * MIB };
/** A template's text given to lint: real templates are a few KB. */
export const TEMPLATE_CONTENT = text(1 * MIB);

/** Request message name (as in control.proto) -> field (as in the generated code) -> limit. */
export const REQUEST_LIMITS: Record<string, Record<string, FieldLimit>> = {
  GetInfoRequest: { resetLoopLag: bool },
  ListEnvironmentsRequest: {},
  CreateEnvironmentRequest: { workflow: PATH, vars: VARS, repo: PATH, revision: REVISION, owner: OWNER, autoDeploy: bool, name: text(512), runType: text(64) },
  GetEnvironmentRequest: { id: ID, withTasks: bool, withTree: bool, treeLeafLimit: number(0xffffffff) },
  ControlEnvironmentRequest: {
    id: ID,
    transition: text(64),
    timeoutMs: number(7 * 24 * 3600 * 1000),
    args: { kind: 'map', maxEntries: 100, maxKeyBytes: 256, maxValueBytes: 64 * KIB, maxTotalBytes: 1 * MIB },
  },
  DestroyEnvironmentRequest: { id: ID, force: bool },
  RoleRequest: { envId: ID, role: text(MAX_ROLE_PATH), timeoutMs: number(7 * 24 * 3600 * 1000) },
  ListTasksRequest: {
    envId: ID,
    node: ID,
    state: text(64),
    offset: number(Number.MAX_SAFE_INTEGER),
    limit: number(Number.MAX_SAFE_INTEGER),
    search: text(256),
    states: { kind: 'list', maxItems: 16, maxItemBytes: 64 },
    sort: text(32),
    descending: bool,
    ids: { kind: 'list', maxItems: 1000, maxItemBytes: 256 },
    role: text(MAX_ROLE_PATH),
  },
  KillTaskRequest: { id: ID, signal: text(32) },
  TaskLogsRequest: {
    taskId: ID,
    tail: number(1_000_000),
    follow: bool,
    grep: text(1 * KIB),
    regex: bool,
    sinceMs: number(Number.MAX_SAFE_INTEGER),
    hasFrom: bool,
    fromPosition: number(Number.MAX_SAFE_INTEGER),
    toPosition: number(Number.MAX_SAFE_INTEGER),
    limit: number(10_000),
    afterMarkerMs: number(Number.MAX_SAFE_INTEGER),
  },
  SearchLogsRequest: {
    envId: ID,
    tasks: text(1 * KIB),
    grep: text(1 * KIB),
    regex: bool,
    sinceMs: number(Number.MAX_SAFE_INTEGER),
    limit: number(10_000),
    tail: number(100_000),
    markers: bool,
  },
  ListNodesRequest: {},
  AddNodeRequest: { address: PATH, name: ID, takeOver: bool },
  RemoveNodeRequest: { name: ID },
  NodeNameRequest: { name: ID },
  ListRunsRequest: { envId: ID, limit: number(1_000_000) },
  GetRunRequest: { runNumber: number(0xffffffff), withRendered: bool },
  CommentRunRequest: { runNumber: number(0xffffffff), text: text(4 * KIB) },
  ListTemplatesRequest: { repo: PATH },
  RenderTemplateRequest: { workflow: PATH, vars: VARS, repo: PATH, revision: REVISION },
  LintTemplateRequest: { path: PATH, content: TEMPLATE_CONTENT, repo: PATH },
  WhoAmIRequest: {},
  ListUsersRequest: {},
  AddUserRequest: { name: ID, role: text(64) },
  RemoveUserRequest: { name: ID },
  NewUserTokenRequest: { name: ID },
  TakeEnvironmentRequest: { id: ID, reason: text(1 * KIB) },
  ReleaseEnvironmentRequest: { id: ID },
  ListAuditRequest: { user: ID, envId: ID, sinceMs: number(Number.MAX_SAFE_INTEGER), untilMs: number(Number.MAX_SAFE_INTEGER), limit: number(100_000) },
  QueryEventsRequest: {
    kinds: { kind: 'list', maxItems: 64, maxItemBytes: 64 },
    severity: text(16),
    envId: ID,
    taskId: ID,
    user: ID,
    sinceMs: number(Number.MAX_SAFE_INTEGER),
    untilMs: number(Number.MAX_SAFE_INTEGER),
    beforeSeq: number(Number.MAX_SAFE_INTEGER),
    limit: number(100_000),
    text: text(256),
  },
  QueryHistoryRequest: {
    kind: text(16),
    envId: ID,
    taskId: ID,
    node: ID,
    sinceMs: number(Number.MAX_SAFE_INTEGER),
    untilMs: number(Number.MAX_SAFE_INTEGER),
    stepMs: number(86_400_000),
  },
  SubscribeRequest: { fromSeq: number(Number.MAX_SAFE_INTEGER), envId: ID, kinds: { kind: 'list', maxItems: 64, maxItemBytes: 64 }, replayAll: bool },
};

/** Limits count UTF-8 bytes, as they travel. */
function bytes(s: string): number {
  return Buffer.byteLength(s);
}

function tooBig(message: string, field: string, limit: string, max: number, size: number): BatonError {
  return new BatonError('BAD_INPUT', `${message} (limit ${limit}: at most ${max}, got ${size})`, {
    where: field,
    data: { limit, max: String(max), got: String(size) },
  });
}

/** Throws BAD_INPUT if `request` (a decoded `messageName`) is over one of its limits. */
export function checkRequest(messageName: string, request: unknown): void {
  const fields = REQUEST_LIMITS[messageName];
  if (!fields || !request || typeof request !== 'object') return;
  const req = request as Record<string, unknown>;
  for (const [field, limit] of Object.entries(fields)) {
    const value = req[field];
    if (value === undefined || value === null) continue;
    const limitName = `${messageName}.${field}`;
    switch (limit.kind) {
      case 'string': {
        const size = bytes(String(value));
        if (size > limit.maxBytes) throw tooBig(`${field} is too long`, field, limitName, limit.maxBytes, size);
        break;
      }
      case 'number': {
        const n = Number(value);
        if (n > limit.max) throw tooBig(`${field} is too large`, field, limitName, limit.max, n);
        break;
      }
      case 'list': {
        const items = value as unknown[];
        if (items.length > limit.maxItems) throw tooBig(`${field} has too many items`, field, `${limitName}.items`, limit.maxItems, items.length);
        items.forEach((item, i) => {
          const size = bytes(String(item));
          if (size > limit.maxItemBytes) throw tooBig(`${field}[${i}] is too long`, `${field}[${i}]`, `${limitName}.item`, limit.maxItemBytes, size);
        });
        break;
      }
      case 'map': {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length > limit.maxEntries) throw tooBig(`${field} has too many entries`, field, `${limitName}.entries`, limit.maxEntries, entries.length);
        let total = 0;
        for (const [key, v] of entries) {
          const keySize = bytes(key);
          const shownKey = key.length > 64 ? `${key.slice(0, 64)}...` : key;
          if (keySize > limit.maxKeyBytes)
            throw tooBig(`${field} key ${shownKey} is too long`, `${field}.${shownKey}`, `${limitName}.key`, limit.maxKeyBytes, keySize);
          const valueSize = bytes(String(v));
          if (valueSize > limit.maxValueBytes)
            throw tooBig(`${field} ${shownKey} is too long`, `${field}.${shownKey}`, `${limitName}.value`, limit.maxValueBytes, valueSize);
          total += keySize + valueSize;
        }
        if (total > limit.maxTotalBytes) throw tooBig(`${field} are too large together`, field, `${limitName}.total`, limit.maxTotalBytes, total);
        break;
      }
      case 'bool':
        break;
    }
  }
}

/** The request message of each Control method (generated method name -> control.proto name). */
export function requestMessageOf(methodPath: string): string {
  // '/baton.v1.Control/LintTemplate' -> 'LintTemplateRequest'
  return `${methodPath.slice(methodPath.lastIndexOf('/') + 1)}Request`;
}
