// The workflow layer's entry point: createWorkflowLoader (list, expand, lint) and renderPlan.
import path from 'node:path';
import { BatonError } from '../model/errors.js';
import type { Diagnostic, ExpandedWorkflow, WorkflowLoader, WorkflowSummary } from './types.js';
import { expandWorkflow, builtinsFor } from './expand/index.js';
import { TemplateFiles, loadFile, type Loaded } from './templates.js';
import { type RepoView, looksLikePath, repoOfFile, revisionView, workflowFiles, workingView } from './repo.js';
import { readVarSpecs, publicSpecs } from './specs.js';
import { lintFile } from './lint.js';
import { assertTemplateSource, resolvePolicy, type TemplatePolicy } from './policy.js';

export type * from './types.js';
export { renderPlan, renderText } from './render.js';
export type { RenderPlan } from './render.js';
export { parseTrigger, orderHooks } from './hooks.js';
export { parseDuration, parseMemory } from './units.js';
export { coerceValue, splitUserVars } from './vars.js';
export { schemas } from './schema.js';
export { resolvePolicy, repoTrusted, hostAllowed, httpHostOf, describeHosts, insideAny, OPEN_POLICY } from './policy.js';
export type { TemplatePolicy, ResolvedPolicy } from './policy.js';
export { HOOK_FUNCS, HOOK_FUNC_NAMES, parseHookDuration, type HookFuncName } from './hook-funcs.js';

export interface WorkflowLoaderOptions {
  /** template repo directories, searched in order (first wins) */
  repos: string[];
  /** append the shipped repo <batonRoot>/assets (lowest priority) unless false (default true) */
  shipped?: boolean;
  /** the Baton package root: `baton.root` in templates */
  batonRoot: string;
  /** `baton.node` in templates (default process.execPath) */
  nodePath?: string;
  /** most roles one expansion may produce (default 1,000,000): a guard against runaway iterators */
  maxRoles?: number;
  /** where checkouts of git revisions are kept (default $BATON_HOME/template-cache, made 0700) */
  cacheDir?: string;
  /** where workflows may come from and what their hooks may do (default: anything; the
   *  controller always gives its own: docs/security.md) */
  policy?: TemplatePolicy;
}

export function createWorkflowLoader(opts: WorkflowLoaderOptions): WorkflowLoader {
  const batonRoot = path.resolve(opts.batonRoot);
  const nodePath = opts.nodePath ?? process.execPath;
  const shipped = path.join(batonRoot, 'assets');
  const configured = [...new Set([...(opts.repos ?? []), ...(opts.shipped === false ? [] : [shipped])].map((r) => path.resolve(r)))];
  if (!configured.length) throw new BatonError('BAD_INPUT', 'no template repos', { where: 'repos' });
  const policy = resolvePolicy(opts.policy, shipped);

  /** The repos to search: one (given) at its revision, or all configured ones. */
  const viewsFor = (repo?: string, revision?: string): RepoView[] => {
    if (repo) return [revision ? revisionView(repo, revision, opts.cacheDir) : workingView(repo)];
    if (revision) {
      // a revision applies to the first (primary) repo
      return [revisionView(configured[0], revision, opts.cacheDir), ...configured.slice(1).map(workingView)];
    }
    return configured.map(workingView);
  };

  const find = (workflow: string, origin: { repo?: string; revision?: string }): { files: TemplateFiles; top: Loaded } => {
    if (typeof workflow !== 'string' || !workflow.trim()) {
      throw new BatonError('BAD_INPUT', 'no workflow given', { where: 'workflow' });
    }
    if (origin.repo) assertTemplateSource(policy, configured, path.resolve(origin.repo), 'repo');
    if (looksLikePath(workflow)) {
      const file = path.resolve(workflow);
      assertTemplateSource(policy, configured, file, 'workflow');
      const repoDir = origin.repo ?? repoOfFile(file);
      const view = origin.revision ? revisionView(repoDir, origin.revision, opts.cacheDir) : workingView(repoDir);
      const rel = path.relative(path.resolve(repoDir), file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new BatonError('BAD_INPUT', `workflow file ${file} is not inside repo ${repoDir}`, { where: `workflow ${workflow}` });
      }
      const files = new TemplateFiles([view, ...configured.filter((d) => d !== view.dir).map(workingView)]);
      const real = path.join(view.root, rel);
      return { files, top: loadFile(real, view, 'workflow') };
    }
    const views = viewsFor(origin.repo, origin.revision);
    const files = new TemplateFiles(origin.repo ? [...views, ...configured.filter((d) => d !== views[0].dir).map(workingView)] : views);
    for (const v of views) {
      const top = files.workflowByName(workflow, v);
      if (top && top.view.dir === v.dir) return { files, top };
    }
    throw new BatonError('NOT_FOUND', `workflow ${workflow} not found in ${views.map((v) => v.dir).join(', ')}`, { where: `workflow ${workflow}` });
  };

  return {
    async list(repo?: string): Promise<WorkflowSummary[]> {
      if (repo) assertTemplateSource(policy, configured, path.resolve(repo), 'repo');
      const views = repo ? [workingView(repo)] : configured.map(workingView);
      const out: WorkflowSummary[] = [];
      const seen = new Set<string>();
      for (const v of views) {
        for (const file of workflowFiles(v)) {
          const name = path.basename(file).replace(/\.ya?ml$/, '');
          if (seen.has(name)) continue; // shadowed by an earlier repo
          seen.add(name);
          const s: WorkflowSummary = { name, repo: v.dir, file, description: '', vars: [], revision: v.revision };
          try {
            const { src } = loadFile(file, v, 'workflow');
            const doc = src.value as { description?: unknown };
            s.description = typeof doc.description === 'string' ? doc.description : '';
            s.vars = publicSpecs(readVarSpecs(src), builtinsFor(v, batonRoot, nodePath));
          } catch (e) {
            s.error = e instanceof BatonError ? `${e.detail.where ?? file}: ${e.message}` : String(e);
          }
          out.push(s);
        }
      }
      return out;
    },

    async expand(workflow: string, vars: Record<string, string>, origin: { repo?: string; revision?: string } = {}): Promise<ExpandedWorkflow> {
      const { files, top } = find(workflow, origin ?? {});
      try {
        return expandWorkflow({ files, top, userVars: vars ?? {}, batonRoot, nodePath, maxRoles: opts.maxRoles, policy, configured });
      } catch (e) {
        if (e instanceof BatonError) throw e;
        // a bug of ours must still name where it happened, and never pass as a crash
        throw new BatonError('INTERNAL', `expanding ${top.src.file}: ${(e as Error)?.message ?? String(e)}`, { where: top.src.file });
      }
    },

    async lint(file: string, content?: string): Promise<Diagnostic[]> {
      if (typeof file === 'string' && file) assertTemplateSource(policy, configured, path.resolve(file), 'path');
      return lintFile({ file, content, configured, batonRoot, nodePath, maxRoles: opts.maxRoles, policy });
    },
  };
}
