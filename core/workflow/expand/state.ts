// The state one expansion shares while it walks the role tree (what the walk collects, the role
// paths it has claimed, the user vars aimed at paths), and the Frame: what a role inherits from
// the roles and includes above it; and ExpandInput, what an expansion starts from. The files of
// this folder import this one and it imports none of them (index.ts is the entry point).
import type { Diagnostic, HookSpec, TaskSpec, VarSpec } from '../types.js';
import type { Scope } from '../expr.js';
import type { Loaded, TemplateFiles } from '../templates.js';
import type { UserVar } from '../vars.js';
import { fail, sub, type At } from '../evaluate.js';
import { ProblemReporter } from '../diagnostics.js';
import type { ResolvedPolicy } from '../policy.js';
import { limitError, MAX_ROLE_DEPTH, MAX_ROLE_PATH } from '../limits.js';

/** What an expansion starts from: the files, the top workflow, the user's vars. */
export interface ExpandInput {
  files: TemplateFiles;
  top: Loaded;
  userVars: Record<string, unknown>;
  batonRoot: string;
  nodePath: string;
  /** set for lint: problems are recorded here and expansion goes on where it can */
  diagnostics?: Diagnostic[];
  /** most roles this expansion may produce (default MAX_ROLES) */
  maxRoles?: number;
  /** what hooks may do (default: anything; the controller always gives its own) */
  policy?: ResolvedPolicy;
  /** the configured repos (a repo outside them is local: trusted only with policy.trustLocal) */
  configured?: string[];
}

/** A template object as parsed from YAML (its shape is checked by the schema before expansion). */
export type Raw = Record<string, unknown>;

/** What a role inherits: where it is and the vars, overrides and settings in force there. */
export interface Frame {
  loaded: Loaded;
  path: string;
  scope: Scope;
  specs: Map<string, VarSpec>;
  /** values that must win over role vars below (user vars), CEL values */
  userOv: Scope | null;
  /** user vars aimed at an ancestor path that nothing has claimed yet (class defaults may) */
  pending: UserVar[];
  enabled: boolean;
  constraints: Record<string, string>;
  includeStack: string[];
}

export class Expansion {
  /** the tasks of enabled roles */
  readonly tasks: TaskSpec[] = [];
  /** the tasks of disabled roles: not run, but they let channel errors say "matches only disabled roles" */
  readonly disabledTasks: TaskSpec[] = [];
  /** the hooks of enabled call roles */
  readonly hooks: HookSpec[] = [];
  /** every role path claimed so far (paths are unique in the tree) */
  readonly paths = new Set<string>();
  /** user vars aimed at a role path (`--var path.name=v`), by path */
  readonly targeted = new Map<string, UserVar[]>();
  /** the user vars that found the var they set */
  readonly used = new Set<UserVar>();
  private count = 0;
  private readonly problems: ProblemReporter;

  constructor(
    readonly input: ExpandInput,
    private readonly maxRoles: number,
  ) {
    this.problems = new ProblemReporter(input.diagnostics);
  }

  /** Throws, or in lint mode records a template problem and lets the caller go on. */
  report(e: unknown): void {
    this.problems.report(e);
  }

  /** Takes a role path for one role, failing on a duplicate and past the role limit. */
  claimPath(p: string, at: At): void {
    if (this.paths.has(p)) fail(sub(at, 'name'), `two roles have the path ${p}`, 'role');
    this.paths.add(p);
    if (++this.count > this.maxRoles)
      throw limitError(at, `the workflow expands to more than ${this.maxRoles} roles`, 'workflow.roles', this.maxRoles, this.count);
    if (p.length > MAX_ROLE_PATH) throw limitError(at, `role path ${p.slice(0, 100)}... is too long`, 'workflow.path', MAX_ROLE_PATH, p.length);
    const depth = p.split('/').length;
    if (depth > MAX_ROLE_DEPTH)
      throw limitError(at, `role ${p.length > 200 ? `${p.slice(0, 200)}...` : p} is nested too deep`, 'workflow.depth', MAX_ROLE_DEPTH, depth);
  }
}
