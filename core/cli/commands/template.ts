// baton template list|show|lint|render. lint always runs here (core/workflow); list, show and
// render ask the controller when one is configured (render then includes placements) and use the
// workflow layer directly otherwise, or with --local.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { packageRoot } from '../../local/paths.js';
import type { Template } from '../../rpc/gen/control.js';
import type { Diagnostic, WorkflowLoader, WorkflowSummary } from '../../workflow/types.js';
import { collect, parseVars } from '../args.js';
import { findController, withControl } from '../context.js';
import { templateJson } from '../json.js';
import { diagnosticLine, isJsonMode, out, printJson, table, withJson } from '../output.js';

interface RepoOpts {
  repo?: string;
  local?: boolean;
}

export function assetsRepo(): string {
  return path.join(packageRoot(), 'assets');
}

async function localLoader(repo?: string): Promise<WorkflowLoader> {
  const { createWorkflowLoader } = await import('../../workflow/index.js');
  const repos = [...(repo ? [path.resolve(repo)] : []), assetsRepo()];
  return createWorkflowLoader({ repos, batonRoot: packageRoot() });
}

function summaryToTemplate(s: WorkflowSummary): Template {
  return {
    name: s.name,
    repo: s.repo,
    file: s.file,
    description: s.description,
    revision: s.revision,
    vars: s.vars.map((v) => ({
      name: v.name,
      type: v.type,
      defaultJson: v.default === undefined ? '' : JSON.stringify(v.default),
      label: v.label ?? '',
      description: v.description ?? '',
      public: !!v.public,
      widget: v.widget ?? '',
      values: v.values ?? [],
      min: v.min,
      max: v.max,
    })),
  };
}

async function listTemplates(cmd: Command, o: RepoOpts): Promise<Template[]> {
  if (!o.local && findController(cmd)) {
    return withControl(cmd, async (c) => (await c.call('listTemplates', { repo: o.repo ? path.resolve(o.repo) : '' })).templates);
  }
  const loader = await localLoader(o.repo);
  return (await loader.list(o.repo ? path.resolve(o.repo) : undefined)).map(summaryToTemplate);
}

export function register(program: Command): void {
  const tpl = program.command('template').description('workflow templates: list, show, lint, render (dry run)');

  withJson(
    tpl
      .command('list')
      .alias('ls')
      .description('the workflows in the template repos')
      .option('--repo <dir>', "a template repo (default: the shipped assets and the controller's repos)")
      .option('--local', 'read the repos here instead of asking the controller'),
  ).action(async (o: RepoOpts, cmd: Command) => {
    const ts = await listTemplates(cmd, o);
    if (isJsonMode()) return printJson(ts.map(templateJson));
    if (!ts.length) return out('no workflow templates found');
    out(
      table(
        ['NAME', 'VARS', 'DESCRIPTION'],
        ts.map((t) => [t.name, t.vars.map((v) => v.name).join(',') || '-', t.description || '-']),
      ),
    );
  });

  withJson(
    tpl
      .command('show <name>')
      .description('a workflow: description, file, variables')
      .option('--repo <dir>', 'the template repo')
      .option('--local', 'read the repos here instead of asking the controller'),
  ).action(async (name: string, o: RepoOpts, cmd: Command) => {
    const ts = await listTemplates(cmd, o);
    const t = ts.find((x) => x.name === name) ?? ts.find((x) => x.file === path.resolve(name));
    if (!t) {
      throw new BatonError('NOT_FOUND', `no workflow template named ${JSON.stringify(name)} (known: ${ts.map((x) => x.name).join(', ') || 'none'})`, {
        where: name,
      });
    }
    if (isJsonMode()) return printJson(templateJson(t));
    out(`${t.name}: ${t.description || '(no description)'}`);
    out(`  file ${t.file}${t.revision ? ` @ ${t.revision}` : ''}`);
    if (!t.vars.length) return out('  no variables');
    out('');
    out(
      table(
        ['VAR', 'TYPE', 'DEFAULT', 'PUBLIC', 'DESCRIPTION'],
        t.vars.map((v) => [
          v.name,
          v.type + (v.values.length ? `(${v.values.join('|')})` : ''),
          v.defaultJson || '-',
          v.public ? 'yes' : 'no',
          v.label || v.description || '-',
        ]),
      ),
    );
  });

  withJson(tpl.command('lint <file...>').description('check workflow or task-class files: every error with file:line:col')).action(
    async (files: string[], _o, cmd: Command) => {
      void cmd;
      const loader = await localLoader();
      const results: { file: string; diagnostics: Diagnostic[] }[] = [];
      for (const f of files) {
        const abs = path.resolve(f);
        if (!fs.existsSync(abs)) throw new BatonError('BAD_INPUT', `${f}: no such file`, { where: f });
        results.push({ file: abs, diagnostics: await loader.lint(abs) });
      }
      const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
      const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity !== 'error').length, 0);
      if (isJsonMode()) {
        printJson({ ok: errors === 0, errors, warnings, files: results });
      } else {
        for (const r of results) for (const d of r.diagnostics) out(diagnosticLine(d));
        out(
          errors
            ? `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
            : `ok: ${files.length} file${files.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
        );
      }
      if (errors) process.exitCode = 2;
    },
  );

  withJson(
    tpl
      .command('render <workflow>')
      .description('dry run: the expanded role tree, tasks (with placements from a controller), channels, hooks')
      .option('--var <key=value>', 'set a workflow variable (repeatable)', collect, [])
      .option('--repo <dir>', 'the template repo')
      .option('--revision <rev>', 'git revision of the repo')
      .option('--local', 'expand here instead of asking the controller (no placements)'),
  ).action(async (workflow: string, o: RepoOpts & { var: string[]; revision?: string }, cmd: Command) => {
    const vars = parseVars(o.var);
    const wf = (workflow.includes('/') || /\.ya?ml$/.test(workflow)) && fs.existsSync(workflow) ? path.resolve(workflow) : workflow;
    let doc: Record<string, unknown>;
    if (!o.local && findController(cmd)) {
      doc = await withControl(cmd, async (c) => {
        const r = await c.call('renderTemplate', { workflow: wf, vars, repo: o.repo ? path.resolve(o.repo) : '', revision: o.revision ?? '' });
        return JSON.parse(r.json) as Record<string, unknown>;
      });
    } else {
      const loader = await localLoader(o.repo);
      const expanded = await loader.expand(wf, vars, { repo: o.repo ? path.resolve(o.repo) : undefined, revision: o.revision });
      const { renderPlan } = await import('../../workflow/index.js');
      doc = renderPlan(expanded) as unknown as Record<string, unknown>;
    }
    if (isJsonMode()) return printJson(doc);
    if (doc.tree && doc.counts) {
      const { renderText } = await import('../../workflow/index.js');
      out(renderText(doc as unknown as import('../../workflow/index.js').RenderPlan));
    } else {
      out(renderExpanded(doc));
    }
  });
}

interface RoleLike {
  path?: string;
  name?: string;
  kind?: string;
  enabled?: boolean;
  critical?: boolean;
  task?: string;
  children?: RoleLike[];
}
interface TaskLike {
  name: string;
  className?: string;
  control?: string;
  critical?: boolean;
  constraints?: Record<string, string>;
  node?: string;
  driver?: string;
}
interface EdgeLike {
  from: { role: string; channel: string };
  to: { role: string; channel: string };
  type?: string;
}
interface HookLike {
  name: string;
  func: string;
  trigger?: { when: string; transition: string };
  weight?: number;
  timeoutMs?: number;
  critical?: boolean;
}

/** Text for an expanded workflow (ExpandedWorkflow, possibly with placements from the controller). */
export function renderExpanded(doc: Record<string, unknown>): string {
  const lines: string[] = [];
  const vars = (doc.vars ?? {}) as Record<string, unknown>;
  lines.push(`${doc.name ?? '(workflow)'}${doc.file ? `  (${doc.file})` : ''}`);
  if (Object.keys(vars).length)
    lines.push(
      `  vars ${Object.entries(vars)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ')}`,
    );
  const placements = (doc.placements ?? {}) as Record<string, string>;
  const root = doc.root as RoleLike | undefined;
  if (root) {
    lines.push('', 'roles:');
    const walk = (r: RoleLike, prefix: string, childPrefix: string) => {
      const flags = [r.kind, r.enabled === false ? 'disabled' : '', r.critical ? 'critical' : ''].filter(Boolean).join(', ');
      lines.push(`  ${prefix}${r.name || r.path || '(root)'}${flags ? `  [${flags}]` : ''}`);
      const kids = r.children ?? [];
      kids.forEach((c, i) => {
        const last = i === kids.length - 1;
        walk(c, childPrefix + (last ? '└─ ' : '├─ '), childPrefix + (last ? '   ' : '│  '));
      });
    };
    walk(root, '', '');
  }
  const tasks = (doc.tasks ?? []) as TaskLike[];
  lines.push('', `tasks (${tasks.length}):`);
  if (tasks.length) {
    const shown = tasks.slice(0, 200);
    lines.push(
      table(
        ['  TASK', 'CLASS', 'CONTROL', 'CRITICAL', 'CONSTRAINTS', 'NODE'],
        shown.map((t) => [
          `  ${t.name}`,
          t.className ?? '-',
          t.control ?? '-',
          t.critical ? 'yes' : 'no',
          Object.entries(t.constraints ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(',') || '-',
          t.node ?? placements[t.name] ?? '-',
        ]),
      ),
    );
    if (tasks.length > shown.length) lines.push(`  ... ${tasks.length - shown.length} more`);
  }
  const edges = (doc.channels ?? []) as EdgeLike[];
  if (edges.length) {
    lines.push('', `channels (${edges.length}):`);
    for (const e of edges.slice(0, 200)) lines.push(`  ${e.from.role}:${e.from.channel} -> ${e.to.role}:${e.to.channel}${e.type ? `  (${e.type})` : ''}`);
  }
  const hooks = (doc.hooks ?? []) as HookLike[];
  if (hooks.length) {
    lines.push('', `hooks (${hooks.length}):`);
    for (const h of hooks) {
      lines.push(
        `  ${h.name}: ${h.func} ${h.trigger ? `${h.trigger.when} ${h.trigger.transition}` : ''}  weight ${h.weight ?? 0}, timeout ${h.timeoutMs ?? '-'} ms${h.critical ? ', critical' : ''}`,
      );
    }
  }
  return lines.join('\n');
}
