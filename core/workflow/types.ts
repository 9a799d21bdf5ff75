// The contract between the workflow layer (loading, expanding templates) and the controller.
// Pure data: JSON-serialisable, no classes.

export type VarType = 'int' | 'float' | 'bool' | 'string' | 'enum' | 'list';

export interface VarSpec {
  name: string;
  type: VarType;
  default?: unknown;
  label?: string;
  description?: string;
  public?: boolean;
  widget?: string;
  values?: string[]; // enum
  min?: number;
  max?: number;
}

export interface ChannelBindSpec {
  name: string;
  type: 'push' | 'pull' | 'pub' | 'sub';
  transport: 'tcp' | 'unix';
}

export interface ChannelConnectSpec {
  name: string;
  target: string; // as written: role path, glob, or relative (../x:out)
  /** the binds it resolves to, filled in by expansion */
  resolved: { role: string; channel: string }[];
  /** the socket type of this (connecting) end: the complement of the bind's (push -> pull, pub -> sub) */
  type?: 'push' | 'pull' | 'pub' | 'sub';
  /** true when the template allows the target to match no bind */
  optional?: boolean;
}

export interface SimBehaviour {
  delayMs: number;
  failOn?: string;
  failRate?: number;
  exitAfterMs?: number;
}

/** Relaunch a task that exits abnormally, at most `max` times within `withinMs` (core/workflow/restart.ts). */
export interface RestartPolicy {
  policy: 'on-failure';
  max: number;
  withinMs: number;
}

/** One task to run: a task role after expansion, with its class merged in. */
export interface TaskSpec {
  name: string; // the role path, unique in the environment (e.g. readout-0, group/qc)
  rolePath: string;
  className: string;
  control: 'controlled' | 'basic';
  driver: 'process' | 'sim';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  critical: boolean;
  constraints: Record<string, string>; // node labels that must match
  wants: { cpu: number; memoryBytes: number };
  properties: Record<string, string>; // sent at CONFIGURE
  binds: ChannelBindSpec[];
  connects: ChannelConnectSpec[];
  cleanupFiles: string[];
  sim?: SimBehaviour;
  /** graded kill timings */
  killTimeouts: { controlExitMs: number; termMs: number };
  /** set when the task is relaunched after an abnormal exit (role task:, role, then class) */
  restart?: RestartPolicy;
}

export type HookWhen = 'before' | 'after' | 'enter' | 'leave';

export interface HookSpec {
  name: string; // role path of the call role
  func: string; // http.post, exec, sleep, test.fail ...
  args: Record<string, unknown>;
  trigger: { when: HookWhen; transition: string }; // e.g. after START_ACTIVITY; enter/leave take a state
  weight: number;
  await?: string; // a later trigger to wait at, if any
  timeoutMs: number;
  critical: boolean;
}

export type RoleKind = 'task' | 'aggregator' | 'iterator' | 'include' | 'call';

export interface RoleNode {
  path: string;
  name: string;
  kind: RoleKind;
  enabled: boolean; // false: present in the tree but excluded from transitions
  critical: boolean;
  nmin?: number; // iterator: below this many healthy children a loss is fatal
  task?: string; // kind == task: TaskSpec.name
  children: RoleNode[];
}

export interface ChannelEdgeSpec {
  from: { role: string; channel: string }; // the bind
  to: { role: string; channel: string }; // the connect
  type: string;
}

/** What an environment of this workflow holds exclusively (core/workflow/claims.ts). */
export interface WorkflowClaims {
  detectors: string[];
  /** a node label selector: every node whose labels include all of these */
  nodes: Record<string, string>;
}

export interface ExpandedWorkflow {
  name: string;
  description: string;
  repo: string; // directory of the template repo
  revision: string; // git revision when the repo is a git repo, '' otherwise
  file: string; // the workflow file
  vars: Record<string, unknown>; // the values in force at the root
  varSpecs: VarSpec[];
  root: RoleNode;
  tasks: TaskSpec[];
  hooks: HookSpec[];
  channels: ChannelEdgeSpec[];
  /** the workflow's `claims`, when it has any */
  claims?: WorkflowClaims;
}

export interface WorkflowSummary {
  name: string;
  repo: string;
  file: string;
  description: string;
  vars: VarSpec[];
  revision: string;
  /** set when the file does not load (its other fields are then best effort) */
  error?: string;
}

export interface Diagnostic {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  code: string;
  message: string;
  severity: 'error' | 'warning';
  /** finer kind of problem: yaml, schema, expr, var, role, class, include, channel, hook, ... */
  reason?: string;
}

/** What the controller needs from the workflow layer. */
export interface WorkflowLoader {
  list(repo?: string): Promise<WorkflowSummary[]>;
  /** Throws BatonError BAD_TEMPLATE (where = file:line:col) or BAD_INPUT (unknown var, bad value). */
  expand(workflow: string, vars: Record<string, string>, opts?: { repo?: string; revision?: string }): Promise<ExpandedWorkflow>;
  lint(path: string, content?: string): Promise<Diagnostic[]>;
}
