// Expansion of a workflow into its role tree, tasks, hooks and channel graph. Pure: reads
// template files through TemplateFiles, throws BatonError (or, for lint, records and goes on).
import path from 'node:path';
import { BatonError } from '../model/errors.js';
import type { Diagnostic, ExpandedWorkflow, HookSpec, RoleNode, TaskSpec, VarSpec } from './types.js';
import { fromCel, toCel, type Scope } from './expr.js';
import { coerceValue, inferType, splitUserVars, badVar, type UserVar } from './vars.js';
import { readVarSpecs, resolveVars, publicSpecs, RESERVED, type GivenValue } from './specs.js';
import { evalAt, evalBool, evalInt, evalString, evalStringMap, fail, sub, type At } from './evaluate.js';
import { buildTask } from './task.js';
import { buildHook } from './hooks.js';
import { resolveChannels } from './channels.js';
import type { Loaded, TemplateFiles } from './templates.js';
import type { RepoView } from './repo.js';
import { lineCol, type SourceFile } from './source.js';
import { MAX_RANGE } from './expr.js';

type Raw = Record<string, unknown>;

/** Most roles one expansion may produce (a for over range(0, 10**9) is a mistake, not a plan). */
export const MAX_ROLES = 1_000_000;
/** lint stops recording after this many problems */
export const MAX_DIAGNOSTICS = 200;

/** Thrown (not a BatonError, so nothing records it) when lint has recorded enough. */
export class LintAbort extends Error {
  constructor() { super(`stopped after ${MAX_DIAGNOSTICS} problems`); }
}
const MAX_INCLUDE_DEPTH = 16;
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@+=-]*$/;
const KINDS = ['task', 'roles', 'include', 'call'] as const;

interface Frame {
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
}

export function builtinsFor(view: RepoView, batonRoot: string, nodePath: string): Scope {
  return { baton: { node: nodePath, root: batonRoot }, repo: view.root };
}

export function expandWorkflow(input: ExpandInput): ExpandedWorkflow {
  return new Expander(input).run();
}

class Expander {
  private readonly tasks: TaskSpec[] = [];
  private readonly disabledTasks: TaskSpec[] = [];
  private readonly hooks: HookSpec[] = [];
  private readonly paths = new Set<string>();
  private readonly targeted = new Map<string, UserVar[]>();
  private readonly used = new Set<UserVar>();
  private count = 0;

  constructor(private readonly input: ExpandInput) {}

  run(): ExpandedWorkflow {
    const { top, batonRoot, nodePath } = this.input;
    const src = top.src;
    const doc = src.value as Raw;
    const entries = readVarSpecs(src);
    const specs = new Map(entries.map((e) => [e.spec.name, e.spec]));
    const userVars = splitUserVars(this.input.userVars ?? {});
    const given = new Map<string, GivenValue>();
    for (const uv of userVars) {
      if (uv.path === null) {
        if (!specs.has(uv.name)) {
          const known = entries.map((e) => e.spec.name);
          throw badVar(uv.key, `unknown var${known.length ? ` (this workflow has: ${known.join(', ')})` : ' (this workflow has none)'}`);
        }
        given.set(uv.name, { raw: uv.raw, key: uv.key, user: true });
      } else {
        const l = this.targeted.get(uv.path) ?? [];
        l.push(uv);
        this.targeted.set(uv.path, l);
      }
    }
    const builtins = builtinsFor(top.view, batonRoot, nodePath);
    const scope = resolveVars(entries, given, { ...builtins }, { lenient: !!this.input.diagnostics });
    const userOv: Scope = {};
    for (const name of given.keys()) userOv[name] = scope[name];

    const name = typeof doc.name === 'string' && doc.name ? doc.name : path.basename(top.realFile).replace(/\.ya?ml$/, '');
    const root: RoleNode = { path: '', name, kind: 'aggregator', enabled: true, critical: true, children: [] };
    const frame: Frame = {
      loaded: top, path: '', scope, specs, userOv: given.size ? userOv : null, pending: [],
      enabled: true, constraints: {}, includeStack: [top.realFile],
    };
    this.expandRoles(doc.roles, { src, ptr: '/roles' }, frame, root.children);

    const channels = resolveChannels(this.tasks, this.disabledTasks, (e) => this.report(e));
    this.checkUserVarsUsed(userVars);

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
      tasks: this.tasks,
      hooks: this.hooks,
      channels,
    };
  }

  private readonly reported = new Set<string>();

  /** Throws, or in lint mode records a template problem and lets the caller go on. */
  private report(e: unknown): void {
    const d = this.input.diagnostics;
    if (d && e instanceof BatonError && e.code === 'BAD_TEMPLATE') {
      const key = `${e.detail.where}\0${e.message}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
      if (d.length >= MAX_DIAGNOSTICS) throw new LintAbort();
      d.push(diagnosticOf(e));
      return;
    }
    throw e;
  }

  private checkUserVarsUsed(userVars: UserVar[]): void {
    for (const uv of userVars) {
      if (uv.path === null || this.used.has(uv)) continue;
      if (!this.paths.has(uv.path)) {
        throw badVar(uv.key, `no role has the path "${uv.path}"`);
      }
      throw badVar(uv.key, `role ${uv.path} has no var "${uv.name}" (neither a workflow var, a role var nor a task class default)`);
    }
  }

  private expandRoles(list: unknown, at: At, f: Frame, out: RoleNode[]): void {
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      try {
        this.expandRole(list[i] as Raw, sub(at, i), f, out);
      } catch (e) {
        this.report(e);
      }
    }
  }

  private expandRole(r: Raw, at: At, f: Frame, out: RoleNode[]): void {
    const kinds = KINDS.filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) {
      const nm = typeof r.name === 'string' ? `role ${r.name}` : 'a role';
      fail(at, kinds.length === 0
        ? `${nm} needs one of task, roles, include or call`
        : `${nm} has ${kinds.join(' and ')}: a role has exactly one of task, roles, include or call`, 'role');
    }
    const kind = kinds[0];
    if ((r.bind !== undefined || r.connect !== undefined) && kind !== 'task') {
      fail(sub(at, r.bind !== undefined ? 'bind' : 'connect'), `role ${String(r.name)}: bind and connect belong on task roles`, 'role');
    }
    if (r.for === undefined) {
      if (r.nmin !== undefined) fail(sub(at, 'nmin'), `role ${String(r.name)}: nmin is only for iterators (roles with for)`, 'role');
      this.expandInstance(r, kind, at, f, f.scope, out, false);
      return;
    }
    this.expandIterator(r, kind, at, f, out);
  }

  private expandIterator(r: Raw, kind: (typeof KINDS)[number], at: At, f: Frame, out: RoleNode[]): void {
    const spec = r.for as Raw;
    const fAt = sub(at, 'for');
    const hasRange = spec.range !== undefined;
    const hasList = spec.list !== undefined;
    if (hasRange === hasList) fail(fAt, 'for needs exactly one of range or list', 'role');
    const varName = typeof spec.var === 'string' ? spec.var : 'it';
    if (RESERVED.has(varName)) fail(sub(fAt, 'var'), `the iterator var may not be called ${varName}`, 'role');
    let items: unknown[];
    if (hasRange) {
      const rAt = sub(fAt, 'range');
      const v = evalAt(rAt, spec.range, f.scope);
      if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) {
        const n = Number(v);
        if (n < 0 || n > MAX_RANGE) fail(rAt, `for range ${n} is out of bounds (0..${MAX_RANGE})`, 'role');
        items = Array.from({ length: n }, (_x, i) => BigInt(i));
      } else if (Array.isArray(v) && v.every((x) => typeof x === 'bigint')) {
        items = v;
      } else {
        fail(rAt, `for range must give a list of integers or a count, got ${describe(v)}`, 'role');
      }
    } else {
      const lAt = sub(fAt, 'list');
      const v = evalAt(lAt, spec.list, f.scope);
      if (!Array.isArray(v)) fail(lAt, `for list must give a list, got ${describe(v)}`, 'role');
      items = v;
    }
    const rawName = String(r.name);
    const node: RoleNode = {
      path: joinPath(f.path, rawName),
      name: rawName,
      kind: 'iterator',
      enabled: f.enabled,
      critical: evalBool(sub(at, 'critical'), r.critical, f.scope, true, 'critical'),
      children: [],
    };
    if (r.nmin !== undefined) {
      node.nmin = evalInt(sub(at, 'nmin'), r.nmin, f.scope, 0, 'nmin', 0);
      if (node.nmin > items.length) fail(sub(at, 'nmin'), `nmin ${node.nmin} is more than the ${items.length} items of the iterator`, 'role');
    }
    this.claimPath(node.path, at);
    const diags = this.input.diagnostics;
    for (const item of items) {
      const scope = childScope(f.scope);
      scope[varName] = toCel(item); // varName is a checked identifier (never __proto__)
      const before = diags?.length;
      this.expandInstance(r, kind, at, f, scope, node.children, true);
      if (diags && diags.length !== before) break; // lint: one item tells the problem, not a million
    }
    // an iterator whose items are all disabled (enabled: on the for role) is disabled itself
    if (node.children.length && node.children.every((c) => !c.enabled)) node.enabled = false;
    out.push(node);
  }

  private claimPath(p: string, at: At): void {
    if (this.paths.has(p)) fail(sub(at, 'name'), `two roles have the path ${p}`, 'role');
    this.paths.add(p);
    const max = this.input.maxRoles ?? MAX_ROLES;
    if (++this.count > max) fail(at, `the workflow expands to more than ${max} roles`, 'role');
  }

  private expandInstance(r: Raw, kind: (typeof KINDS)[number], at: At, f: Frame, scope0: Scope, out: RoleNode[], inIterator: boolean): void {
    let scope = scope0;
    if (r.vars && typeof r.vars === 'object') {
      scope = childScope(scope);
      for (const [k, v] of Object.entries(r.vars as Raw)) {
        const vAt = sub(sub(at, 'vars'), k);
        if (RESERVED.has(k)) fail(vAt, `var name "${k}" is reserved`, 'var');
        let value = evalAt(vAt, v, scope);
        const spec = f.specs.get(k);
        if (spec) {
          const c = coerceValue(spec, value);
          if (!c.ok) fail(vAt, `role var ${k}: ${c.why} (type ${spec.type})`, 'var');
          value = c.value;
        }
        Object.defineProperty(scope, k, { value, enumerable: true, writable: true, configurable: true });
      }
      if (f.userOv) Object.assign(scope, f.userOv);
    }
    const name = evalString(sub(at, 'name'), r.name, scope, 'name');
    if (!NAME_RE.test(name)) {
      fail(sub(at, 'name'), `role name "${name}" may hold only letters, digits, _ . - @ + = (no / : * or spaces)`, 'role');
    }
    const p = joinPath(f.path, name);
    this.claimPath(p, at);

    // user vars aimed at this path
    let userOv = f.userOv;
    let pending = f.pending;
    const aimed = this.targeted.get(p);
    const forInclude: UserVar[] = [];
    if (aimed) {
      scope = scope === scope0 ? childScope(scope) : scope;
      userOv = { ...(userOv ?? {}) };
      for (const uv of aimed) {
        const spec = f.specs.get(uv.name);
        const like = spec ?? (uv.name in scope && uv.name !== 'baton' && uv.name !== 'repo' ? { type: inferType(scope[uv.name]) } : undefined);
        if (!like) {
          if (kind === 'include') forInclude.push(uv);
          else pending = [...pending, uv];
          continue;
        }
        const c = coerceValue(like, uv.raw);
        if (!c.ok) throw badVar(uv.key, `${c.why} (type ${like.type})`);
        scope[uv.name] = c.value;
        userOv[uv.name] = c.value;
        this.used.add(uv);
      }
    }

    const enabled = f.enabled && evalBool(sub(at, 'enabled'), r.enabled, scope, true, 'enabled');
    let constraints = f.constraints;
    if (r.constraints) constraints = evalStringMap(sub(at, 'constraints'), r.constraints, scope, { ...f.constraints });

    const child = (): Frame => ({
      loaded: f.loaded, path: p, scope, specs: f.specs, userOv, pending, enabled, constraints, includeStack: f.includeStack,
    });

    switch (kind) {
      case 'task': {
        const spec = this.task(r, at, f, p, scope, pending, enabled, constraints, inIterator);
        out.push({ path: p, name, kind: 'task', enabled, critical: spec.critical, task: spec.name, children: [] });
        return;
      }
      case 'roles': {
        const node: RoleNode = {
          path: p, name, kind: 'aggregator', enabled,
          critical: evalBool(sub(at, 'critical'), inIterator ? undefined : r.critical, scope, true, 'critical'), children: [],
        };
        this.expandRoles(r.roles, sub(at, 'roles'), child(), node.children);
        out.push(node);
        return;
      }
      case 'include': {
        const node: RoleNode = {
          path: p, name, kind: 'include', enabled,
          critical: evalBool(sub(at, 'critical'), inIterator ? undefined : r.critical, scope, true, 'critical'), children: [],
        };
        this.include(r, at, child(), forInclude, node);
        out.push(node);
        return;
      }
      case 'call': {
        const hook = buildHook(p, r.call as Raw, sub(at, 'call'), scope, inIterator ? undefined : r.critical, at);
        if (enabled) this.hooks.push(hook);
        out.push({ path: p, name, kind: 'call', enabled, critical: hook.critical, children: [] });
        return;
      }
    }
  }

  private task(r: Raw, at: At, f: Frame, p: string, scope: Scope, pending: UserVar[], enabled: boolean,
    constraints: Record<string, string>, inIterator: boolean): TaskSpec {
    const ref = r.task as Raw;
    const cAt = sub(sub(at, 'task'), 'class');
    const className = evalString(cAt, ref.class, scope, 'class');
    const cls = this.input.files.taskClass(className, f.loaded.view);
    if (!cls) {
      const known = this.input.files.knownClasses(f.loaded.view);
      fail(cAt, `role ${p}: unknown task class "${className}"${known.length ? ` (known: ${known.join(', ')})` : ''}`, 'class');
    }
    const c = cls.src.value as Raw;
    let cscope = scope;
    const defaults = c.defaults as Raw | undefined;
    if (defaults && Object.keys(defaults).length) {
      const dAt: At = { src: cls.src, ptr: '/defaults', context: `role ${p} (class ${className})` };
      const d: Scope = {};
      let dscope: Scope | undefined;
      for (const [k, v] of Object.entries(defaults)) {
        if (RESERVED.has(k)) fail(sub(dAt, k), `var name "${k}" is reserved`, 'var');
        if (k in scope) continue; // vars in force win over class defaults
        dscope ??= childScope(scope);
        const val = evalAt(sub(dAt, k), v, dscope);
        d[k] = val;
        dscope[k] = val;
      }
      if (dscope) cscope = dscope;
      for (const uv of pending) {
        if (this.used.has(uv) && !(uv.name in d)) continue;
        if (!(uv.name in d)) continue;
        const like = { type: inferType(d[uv.name]) };
        const cv = coerceValue(like, uv.raw);
        if (!cv.ok) throw badVar(uv.key, `${cv.why} (type ${like.type}, from class ${className})`);
        cscope[uv.name] = cv.value;
        this.used.add(uv);
      }
    }
    const critical = evalBool(sub(sub(at, 'task'), 'critical'), ref.critical, cscope,
      inIterator ? true : evalBool(sub(at, 'critical'), r.critical, cscope, true, 'critical'), 'critical');
    const spec = buildTask({ path: p, roleAt: at, role: r, cls, className, scope: cscope, critical, constraints });
    (enabled ? this.tasks : this.disabledTasks).push(spec);
    return spec;
  }

  private include(r: Raw, at: At, f: Frame, aimed: UserVar[], node: RoleNode): void {
    const inc = r.include as Raw;
    const iAt = sub(at, 'include');
    const wAt = sub(iAt, 'workflow');
    const target = evalString(wAt, inc.workflow, f.scope, 'include workflow');
    const files = this.input.files;
    let loaded: Loaded | undefined;
    const isPath = target.includes('/') || /\.ya?ml$/.test(target);
    try {
      loaded = isPath
        ? files.workflowByPath(target, path.dirname(f.loaded.realFile), f.loaded.view)
        : files.workflowByName(target, f.loaded.view);
    } catch (e) {
      if (e instanceof BatonError && e.code === 'NOT_FOUND') loaded = undefined;
      else throw e;
    }
    if (!loaded) fail(wAt, `role ${f.path}: included workflow "${target}" not found`, 'include');
    if (f.includeStack.includes(loaded.realFile)) {
      const chain = [...f.includeStack, loaded.realFile].map((x) => path.basename(x)).join(' -> ');
      fail(wAt, `role ${f.path}: include cycle: ${chain}`, 'include');
    }
    if (f.includeStack.length > MAX_INCLUDE_DEPTH) fail(wAt, `role ${f.path}: includes nest deeper than ${MAX_INCLUDE_DEPTH}`, 'include');

    const entries = readVarSpecs(loaded.src);
    const specs = new Map(entries.map((e) => [e.spec.name, e.spec]));
    const given = new Map<string, GivenValue>();
    if (inc.vars && typeof inc.vars === 'object') {
      for (const [k, v] of Object.entries(inc.vars as Raw)) {
        const vAt = sub(sub(iAt, 'vars'), k);
        if (!specs.has(k)) fail(vAt, `role ${f.path}: the included workflow ${target} has no var "${k}"`, 'include');
        given.set(k, { raw: evalAt(vAt, v, f.scope), key: k, user: false, at: vAt });
      }
    }
    const userOv: Scope = {};
    const pendingHere: UserVar[] = [];
    for (const uv of aimed) {
      if (specs.has(uv.name)) {
        given.set(uv.name, { raw: uv.raw, key: uv.key, user: true });
        this.used.add(uv);
      } else pendingHere.push(uv);
    }
    const scope = resolveVars(entries, given, builtinsFor(loaded.view, this.input.batonRoot, this.input.nodePath), {
      lenient: !!this.input.diagnostics, missingAt: iAt,
    });
    for (const uv of aimed) if (this.used.has(uv)) userOv[uv.name] = scope[uv.name];
    const frame: Frame = {
      loaded, path: f.path, scope, specs, userOv: Object.keys(userOv).length ? userOv : null,
      pending: [...f.pending, ...pendingHere], enabled: f.enabled, constraints: f.constraints,
      includeStack: [...f.includeStack, loaded.realFile],
    };
    this.expandRoles((loaded.src.value as Raw).roles, { src: loaded.src, ptr: '/roles' }, frame, node.children);
  }
}

/**
 * A scope that sees its parent's vars through the prototype chain: a for over 150,000 items
 * must not copy the parent scope 150,000 times. (Never spread a scope: that drops the parent's.)
 */
function childScope(parent: Scope): Scope {
  return Object.create(parent) as Scope;
}

function joinPath(parent: string, name: string): string {
  return parent ? `${parent}/${name}` : name;
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `int ${v}`;
  if (Array.isArray(v)) return 'a list';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export function diagnosticOf(e: BatonError, fallbackFile = ''): Diagnostic {
  const where = e.detail.where ?? '';
  const m = /^(.*):(\d+):(\d+)$/.exec(where);
  return {
    file: m ? m[1] : fallbackFile,
    line: m ? Number(m[2]) : 1,
    col: m ? Number(m[3]) : 1,
    code: e.code,
    message: e.message,
    severity: 'error',
    reason: e.detail.data?.reason,
  };
}

export function sourceDiagnostics(src: SourceFile): Diagnostic[] {
  return src.errors.map((er) => {
    const { line, col } = lineCol(src, er.offset);
    return { file: src.file, line, col, code: 'BAD_TEMPLATE', message: er.message, severity: 'error' as const, reason: 'yaml' };
  });
}
