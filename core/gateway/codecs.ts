// Request decoders per method (the generated fromJSON, which fills defaults and coerces types).
// Typed against the contract, so a method whose request type changes fails to compile here.
import {
  AddNodeRequest,
  ControlEnvironmentRequest,
  CreateEnvironmentRequest,
  DestroyEnvironmentRequest,
  GetEnvironmentRequest,
  GetInfoRequest,
  KillTaskRequest,
  LintTemplateRequest,
  ListEnvironmentsRequest,
  ListNodesRequest,
  ListRunsRequest,
  GetRunRequest,
  CommentRunRequest,
  ListTasksRequest,
  ListTemplatesRequest,
  RemoveNodeRequest,
  NodeNameRequest,
  RenderTemplateRequest,
  RoleRequest,
  SubscribeRequest,
  TaskLogsRequest,
  WhoAmIRequest,
  TakeEnvironmentRequest,
  ReleaseEnvironmentRequest,
  ListAuditRequest,
  QueryEventsRequest,
  QueryHistoryRequest,
  SearchLogsRequest,
} from '../rpc/gen/control.js';
import type { StreamMethod, StreamRequest, UnaryMethod, UnaryRequest } from './contract.js';

interface FromJson<T> {
  fromJSON(o: unknown): T;
}

export const UNARY_REQUESTS: { [M in UnaryMethod]: FromJson<UnaryRequest<M>> } = {
  GetInfo: GetInfoRequest,
  ListEnvironments: ListEnvironmentsRequest,
  CreateEnvironment: CreateEnvironmentRequest,
  GetEnvironment: GetEnvironmentRequest,
  DestroyEnvironment: DestroyEnvironmentRequest,
  ListTasks: ListTasksRequest,
  KillTask: KillTaskRequest,
  ExcludeRole: RoleRequest,
  IncludeRole: RoleRequest,
  ListNodes: ListNodesRequest,
  AddNode: AddNodeRequest,
  RemoveNode: RemoveNodeRequest,
  CordonNode: NodeNameRequest,
  DrainNode: NodeNameRequest,
  UncordonNode: NodeNameRequest,
  ListRuns: ListRunsRequest,
  GetRun: GetRunRequest,
  CommentRun: CommentRunRequest,
  ListTemplates: ListTemplatesRequest,
  RenderTemplate: RenderTemplateRequest,
  LintTemplate: LintTemplateRequest,
  WhoAmI: WhoAmIRequest,
  TakeEnvironment: TakeEnvironmentRequest,
  ReleaseEnvironment: ReleaseEnvironmentRequest,
  ListAudit: ListAuditRequest,
  QueryEvents: QueryEventsRequest,
  QueryHistory: QueryHistoryRequest,
  SearchLogs: SearchLogsRequest,
};

export const STREAM_REQUESTS: { [M in StreamMethod]: FromJson<StreamRequest<M>> } = {
  Subscribe: SubscribeRequest,
  ControlEnvironment: ControlEnvironmentRequest,
  TaskLogs: TaskLogsRequest,
};

/** How long the gateway lets a unary call run (create may deploy; lint and render parse files). */
export const UNARY_DEADLINE_MS: Partial<Record<UnaryMethod, number>> = {
  CreateEnvironment: 300_000,
  DestroyEnvironment: 300_000,
  KillTask: 60_000,
  // the role's tasks are stopped and ended (exclude) or launched and brought to the environment's
  // state (include): up to the controller's transition deadline, as `baton env exclude` waits
  ExcludeRole: 150_000,
  IncludeRole: 150_000,
};
export const DEFAULT_UNARY_DEADLINE_MS = 30_000;
