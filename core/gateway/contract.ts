// The console's wire contract: one typed entry per Control method, shared by the gateway (server
// side) and the renderer (browser side). Browser-safe: only type imports from the generated code,
// so the renderer bundles none of grpc-js.
//
// Unary calls: POST /api/<Method> with the request as JSON, answered by the reply as JSON.
// Streams: a WebSocket on /ws/<Method>; the client's first text frame is the request, then the
// server sends StreamFrame values until `end` or `error`.
// JSON shape: the generated TypeScript interface (camelCase field names, int64 as numbers, every
// field present with its default: proto3 JSON with defaults emitted). Requests may omit fields;
// the gateway fills defaults with the generated `fromJSON`.
import type {
  ControlEnvironmentRequest,
  ControlProgress,
  CreateEnvironmentRequest,
  DestroyEnvironmentRequest,
  Environment,
  EventBatch,
  GetEnvironmentRequest,
  GetInfoRequest,
  Info,
  KillTaskRequest,
  LintTemplateReply,
  LintTemplateRequest,
  ListEnvironmentsReply,
  ListEnvironmentsRequest,
  ListNodesReply,
  ListNodesRequest,
  ListRunsReply,
  ListRunsRequest,
  GetRunRequest,
  CommentRunRequest,
  Run,
  ListTasksReply,
  ListTasksRequest,
  ListTemplatesReply,
  ListTemplatesRequest,
  Node,
  AddNodeRequest,
  RemoveNodeRequest,
  NodeNameRequest,
  RenderTemplateReply,
  RoleRequest,
  RenderTemplateRequest,
  SubscribeRequest,
  Task,
  TaskLogsRequest,
  WhoAmIReply,
  WhoAmIRequest,
  TakeEnvironmentRequest,
  ReleaseEnvironmentRequest,
  ListAuditRequest,
  ListAuditReply,
  QueryEventsRequest,
  QueryEventsReply,
  QueryHistoryRequest,
  QueryHistoryReply,
  SearchLogsRequest,
  SearchLogsReply,
} from '../rpc/gen/control.js';
import type { ErrorDetail, LogChunk } from '../rpc/gen/common.js';

/** Unary methods: request and reply types. */
export interface UnaryContract {
  GetInfo: { req: GetInfoRequest; res: Info };
  ListEnvironments: { req: ListEnvironmentsRequest; res: ListEnvironmentsReply };
  CreateEnvironment: { req: CreateEnvironmentRequest; res: Environment };
  GetEnvironment: { req: GetEnvironmentRequest; res: Environment };
  DestroyEnvironment: { req: DestroyEnvironmentRequest; res: Environment };
  ListTasks: { req: ListTasksRequest; res: ListTasksReply };
  KillTask: { req: KillTaskRequest; res: Task };
  ExcludeRole: { req: RoleRequest; res: Environment };
  IncludeRole: { req: RoleRequest; res: Environment };
  ListNodes: { req: ListNodesRequest; res: ListNodesReply };
  AddNode: { req: AddNodeRequest; res: Node };
  RemoveNode: { req: RemoveNodeRequest; res: Node };
  CordonNode: { req: NodeNameRequest; res: Node };
  DrainNode: { req: NodeNameRequest; res: Node };
  UncordonNode: { req: NodeNameRequest; res: Node };
  ListRuns: { req: ListRunsRequest; res: ListRunsReply };
  GetRun: { req: GetRunRequest; res: Run };
  CommentRun: { req: CommentRunRequest; res: Run };
  ListTemplates: { req: ListTemplatesRequest; res: ListTemplatesReply };
  RenderTemplate: { req: RenderTemplateRequest; res: RenderTemplateReply };
  LintTemplate: { req: LintTemplateRequest; res: LintTemplateReply };
  /** who the console acts for (the user of the token its gateway was started with) */
  WhoAmI: { req: WhoAmIRequest; res: WhoAmIReply };
  TakeEnvironment: { req: TakeEnvironmentRequest; res: Environment };
  ReleaseEnvironment: { req: ReleaseEnvironmentRequest; res: Environment };
  ListAudit: { req: ListAuditRequest; res: ListAuditReply };
  QueryEvents: { req: QueryEventsRequest; res: QueryEventsReply };
  QueryHistory: { req: QueryHistoryRequest; res: QueryHistoryReply };
  SearchLogs: { req: SearchLogsRequest; res: SearchLogsReply };
}

/** Server-streaming methods: request and message types. */
export interface StreamContract {
  Subscribe: { req: SubscribeRequest; msg: EventBatch };
  ControlEnvironment: { req: ControlEnvironmentRequest; msg: ControlProgress };
  TaskLogs: { req: TaskLogsRequest; msg: LogChunk };
}

export type UnaryMethod = keyof UnaryContract;
export type StreamMethod = keyof StreamContract;
export type UnaryRequest<M extends UnaryMethod> = UnaryContract[M]['req'];
export type UnaryReply<M extends UnaryMethod> = UnaryContract[M]['res'];
export type StreamRequest<M extends StreamMethod> = StreamContract[M]['req'];
export type StreamMessage<M extends StreamMethod> = StreamContract[M]['msg'];

// `satisfies Record<…>` makes the compiler check that every method of the contract is listed.
const UNARY: Record<UnaryMethod, true> = {
  GetInfo: true,
  ListEnvironments: true,
  CreateEnvironment: true,
  GetEnvironment: true,
  DestroyEnvironment: true,
  ListTasks: true,
  KillTask: true,
  ExcludeRole: true,
  IncludeRole: true,
  ListNodes: true,
  AddNode: true,
  RemoveNode: true,
  CordonNode: true,
  DrainNode: true,
  UncordonNode: true,
  ListRuns: true,
  GetRun: true,
  CommentRun: true,
  ListTemplates: true,
  RenderTemplate: true,
  LintTemplate: true,
  WhoAmI: true,
  TakeEnvironment: true,
  ReleaseEnvironment: true,
  ListAudit: true,
  QueryEvents: true,
  QueryHistory: true,
  SearchLogs: true,
};
const STREAM: Record<StreamMethod, true> = { Subscribe: true, ControlEnvironment: true, TaskLogs: true };

export const UNARY_METHODS = Object.keys(UNARY) as UnaryMethod[];
export const STREAM_METHODS = Object.keys(STREAM) as StreamMethod[];

export function isUnaryMethod(s: string): s is UnaryMethod {
  return Object.prototype.hasOwnProperty.call(UNARY, s);
}
export function isStreamMethod(s: string): s is StreamMethod {
  return Object.prototype.hasOwnProperty.call(STREAM, s);
}

export const API_PREFIX = '/api/';
/** GET: a task's whole log as a file (?task=<id>&token=…), read from the agent page by page */
export const LOG_DOWNLOAD_PATH = '/api/download/task-log';
export const WS_PREFIX = '/ws/';
/** The console token travels in this header on HTTP calls... */
export const TOKEN_HEADER = 'x-baton-console-token';
/** ...and in this query parameter on WebSockets (browsers cannot set WebSocket headers). */
export const TOKEN_QUERY = 'token';
/** The page gets the token once in the URL fragment: #token=<token>. */
export const TOKEN_FRAGMENT = 'token';

/** A failed call: the HTTP body (status 4xx/5xx) or a WebSocket `error` frame carries this. */
export interface ErrorBody {
  error: ErrorDetail;
}

/** A frame of a stream carrying T (the Control streams' messages, the training session's). */
export type StreamFrameOf<T> = { t: 'msg'; m: T } | { t: 'end' } | { t: 'error'; error: ErrorDetail };
export type StreamFrame<M extends StreamMethod> = StreamFrameOf<StreamMessage<M>>;

/** HTTP status for an error code (the body still carries the code: decide on that, not this). */
export const HTTP_STATUS_FOR_CODE: Record<string, number> = {
  BAD_INPUT: 400,
  BAD_TEMPLATE: 400,
  NOT_FOUND: 404,
  TRANSITION_NOT_ALLOWED: 409,
  BUSY: 409,
  TIMEOUT: 504,
  UNAVAILABLE: 503,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  PLACEMENT: 422,
  TASK_FAILED: 422,
  TASK_LOST: 422,
  HOOK_FAILED: 422,
  GO_ERROR: 422,
  ALREADY_OWNED: 409,
  HELD: 423, // Locked: another user holds the environment or the resource
  INTERNAL: 500,
};

export function httpStatusFor(code: string): number {
  return HTTP_STATUS_FOR_CODE[code] ?? 500;
}
