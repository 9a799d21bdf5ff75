// `baton template lint`: every problem of a workflow or task class file at once, each with
// file:line:col. Stages: YAML, schema, expression syntax, then a trial expansion with the
// default vars (recording problems per role and per channel instead of stopping at the first).
import fs from 'node:fs';
import path from 'node:path';
import { BatonError } from '../model/errors.js';
import type { Diagnostic } from './types.js';
import { parseSource, childPointer, posOf, type SourceFile } from './source.js';
import { schemaDiagnostics, type SchemaKind } from './schema.js';
import { compileTemplate, ExprError } from './expr.js';
import { expandWorkflow, diagnosticOf, sourceDiagnostics, LintAbort } from './expand/index.js';
import { TemplateFiles } from './templates.js';
import { repoOfFile, workingView } from './repo.js';
import type { ResolvedPolicy } from './policy.js';

export interface LintInput {
  file: string;
  content?: string;
  configured: string[];
  batonRoot: string;
  nodePath: string;
  maxRoles?: number;
  policy?: ResolvedPolicy;
}

export async function lintFile(inp: LintInput): Promise<Diagnostic[]> {
  const real = path.resolve(inp.file);
  let text = inp.content;
  if (text === undefined) {
    try {
      text = fs.readFileSync(real, 'utf8');
    } catch (e) {
      throw new BatonError('NOT_FOUND', `cannot read ${inp.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { where: inp.file });
    }
  }
  const src = parseSource(inp.file, text);
  const yamlErrors = sourceDiagnostics(src);
  if (yamlErrors.length) return yamlErrors;
  const kind = kindOf(real, src.value);
  const diags: Diagnostic[] = [...schemaDiagnostics(src, kind)];
  diags.push(...expressionDiagnostics(src));
  const doc = src.value as Record<string, unknown> | null;
  const base = path.basename(real).replace(/\.ya?ml$/, '');
  if (doc && typeof doc === 'object' && typeof doc.name === 'string' && doc.name !== base) {
    const { line, col } = posOf(src, '/name');
    diags.push({
      file: src.file,
      line,
      col,
      code: 'BAD_TEMPLATE',
      severity: 'warning',
      reason: 'name',
      message: `name "${doc.name}" differs from the file name "${base}" (the file name is what users type)`,
    });
  }
  if (kind === 'task-class' && doc && typeof doc === 'object' && !diags.some((d) => d.severity === 'error')) {
    if ((doc.driver ?? 'process') === 'process' && doc.command === undefined) {
      diags.push({
        file: src.file,
        line: 1,
        col: 1,
        code: 'BAD_TEMPLATE',
        severity: 'error',
        reason: 'class',
        message: 'a class run by the process driver needs a command',
      });
    }
  }
  // expansion needs the shapes the schema promises; expression errors it finds again (deduped)
  if (kind === 'workflow' && !diags.some((d) => d.severity === 'error' && d.reason === 'schema')) {
    const view = workingView(repoOfFile(real));
    const files = new TemplateFiles([view, ...inp.configured.filter((d) => d !== view.dir).map(workingView)]);
    try {
      expandWorkflow({
        files,
        top: { src, view, realFile: real },
        userVars: {},
        batonRoot: inp.batonRoot,
        nodePath: inp.nodePath,
        diagnostics: diags,
        maxRoles: inp.maxRoles,
        policy: inp.policy,
        configured: inp.configured,
      });
    } catch (e) {
      if (e instanceof LintAbort)
        diags.push({ file: src.file, line: 1, col: 1, code: 'BAD_TEMPLATE', severity: 'warning', reason: 'limit', message: e.message });
      else if (e instanceof BatonError) diags.push(diagnosticOf(e, src.file));
      else diags.push({ file: src.file, line: 1, col: 1, code: 'INTERNAL', severity: 'error', message: String((e as Error)?.message ?? e) });
    }
  }
  return dedupe(diags);
}

function kindOf(real: string, value: unknown): SchemaKind {
  if (path.basename(path.dirname(real)) === 'tasks') return 'task-class';
  if (path.basename(path.dirname(real)) === 'workflows') return 'workflow';
  const v = value as Record<string, unknown> | null;
  if (v && typeof v === 'object' && v.roles === undefined && (v.command !== undefined || v.driver !== undefined || v.control !== undefined))
    return 'task-class';
  return 'workflow';
}

/** Syntax of every {{ }} in the file, including those in disabled branches. */
function expressionDiagnostics(src: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (v: unknown, ptr: string): void => {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return;
      try {
        compileTemplate(v);
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        const { line, col } = posOf(src, ptr);
        out.push({ file: src.file, line, col, code: 'BAD_TEMPLATE', severity: 'error', reason: 'expr', message: `expression ${e.display}: ${e.message}` });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, childPointer(ptr, i)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, childPointer(ptr, k));
  };
  walk(src.value, '');
  return out;
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diags) {
    const k = d.reason === 'expr' ? `${d.file}:${d.line}:${d.col}:expr` : `${d.file}:${d.line}:${d.col}:${d.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col);
}
