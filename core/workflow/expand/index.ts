// Expansion of a workflow into its role tree, tasks, hooks and channel graph. Pure: reads
// template files through TemplateFiles, throws BatonError (or, for lint, records and goes on).
// This file is the entry point: the workflow's own vars and the user vars, then the walk over
// the roles (roles.ts), then the channels (channels.ts).
import path from 'node:path';
import type { ExpandedWorkflow, RoleNode } from '../types.js';
import { fromCel, type Scope } from '../expr.js';
import { splitUserVars } from '../vars.js';
import { readVarSpecs, resolveVars, publicSpecs } from '../specs.js';
import { resolveChannels } from '../channels.js';
import { builtinsFor } from '../scope.js';
import { Expansion, type ExpandInput, type Frame, type Raw } from './state.js';
import { expandRoles } from './roles.js';
import { routeUserVars, checkUserVarsUsed } from './user-vars.js';
import { limitError, MAX_ENV_NAME, MAX_FOR_ITEMS } from '../limits.js';
import { readClaims } from '../claims.js';

export type { ExpandInput } from './state.js';
export { builtinsFor } from '../scope.js';
export { MAX_DIAGNOSTICS, LintAbort, diagnosticOf, sourceDiagnostics } from '../diagnostics.js';

/**
 * Most roles one expansion may produce (a for over range(0, 10**9) is a mistake, not a plan):
 * the largest `for` (MAX_FOR_ITEMS, sim-farm's million tasks) and the roles around it. At exactly
 * a million, sim-farm at its `tasks` maximum was refused for its one iterator role.
 */
export const MAX_ROLES = MAX_FOR_ITEMS + 10_000;

export function expandWorkflow(input: ExpandInput): ExpandedWorkflow {
  const x = new Expansion(input, input.maxRoles ?? MAX_ROLES);
  const { top, batonRoot, nodePath } = input;
  const src = top.src;
  const doc = src.value as Raw;
  const entries = readVarSpecs(src);
  const specs = new Map(entries.map((e) => [e.spec.name, e.spec]));
  const userVars = splitUserVars(input.userVars ?? {});
  const given = routeUserVars(x, userVars, entries);
  const builtins = builtinsFor(top.view, batonRoot, nodePath);
  const scope = resolveVars(entries, given, { ...builtins }, { lenient: !!input.diagnostics });
  const userOv: Scope = {};
  for (const name of given.keys()) userOv[name] = scope[name];

  const name = typeof doc.name === 'string' && doc.name ? doc.name : path.basename(top.realFile).replace(/\.ya?ml$/, '');
  if (name.length > MAX_ENV_NAME)
    throw limitError({ src, ptr: '/name' }, 'the workflow name (the environment name) is too long', 'workflow.name', MAX_ENV_NAME, name.length);
  const root: RoleNode = { path: '', name, kind: 'aggregator', enabled: true, critical: true, children: [] };
  const frame: Frame = {
    loaded: top,
    path: '',
    scope,
    specs,
    userOv: given.size ? userOv : null,
    pending: [],
    enabled: true,
    constraints: {},
    includeStack: [top.realFile],
  };
  expandRoles(x, doc.roles, { src, ptr: '/roles' }, frame, root.children);
  const claims = readClaims(doc.claims, { src, ptr: '/claims' }, scope, (e) => x.report(e));

  const channels = resolveChannels(x.tasks, x.disabledTasks, (e) => x.report(e));
  checkUserVarsUsed(x, userVars);

  const vars: Record<string, unknown> = {};
  for (const e of entries) vars[e.spec.name] = fromCel(scope[e.spec.name]);
  return {
    name,
    description: typeof doc.description === 'string' ? doc.description : '',
    repo: top.view.dir,
    revision: top.view.revision,
    file: src.file,
    vars,
    varSpecs: publicSpecs(entries, builtins),
    root,
    tasks: x.tasks,
    hooks: x.hooks,
    channels,
    ...(claims ? { claims } : {}),
  };
}
