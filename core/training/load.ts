// Walkthroughs from YAML: parsed with positions, checked against the walkthrough schema, then the
// checks a schema cannot make (regular expressions that compile, placeholders that exist). Every
// problem is a Diagnostic naming file:line:col, as `baton template lint` does for templates.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import { schemaDiagnostics } from '../workflow/schema.js';
import { childPointer, parseSource, posOf, type SourceFile } from '../workflow/source.js';
import type { Diagnostic } from '../workflow/types.js';
import type { Condition, Walkthrough } from './types.js';
import { usesCluster } from './leader.js';

/** the placeholders a walkthrough may use in expected values and texts */
export const PLACEHOLDERS = ['env', 'run', 'last_run', 'leader'] as const;

export interface LoadedWalkthrough {
  walkthrough: Walkthrough | null;
  diagnostics: Diagnostic[];
}

function problem(src: SourceFile, ptr: string, message: string, reason: string): Diagnostic {
  const { line, col } = posOf(src, ptr);
  return { file: src.file, line, col, code: 'BAD_TEMPLATE', message, severity: 'error', reason };
}

function checkRegex(src: SourceFile, ptr: string, text: string, out: Diagnostic[]): void {
  try {
    new RegExp(text.replace(/\{\{\s*\w+\s*\}\}/g, 'x'));
  } catch (e) {
    out.push(problem(src, ptr, `${ptr.slice(1).replace(/\//g, '.')}: not a valid regular expression: ${(e as Error).message}`, 'regex'));
  }
}

function checkPlaceholders(src: SourceFile, ptr: string, text: string, out: Diagnostic[]): void {
  for (const m of text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
      out.push(problem(src, ptr, `${ptr.slice(1).replace(/\//g, '.')}: unknown placeholder {{${m[1]}}} (known: ${PLACEHOLDERS.join(', ')})`, 'placeholder'));
    }
  }
}

function checkCondition(src: SourceFile, ptr: string, c: Condition, out: Diagnostic[]): void {
  if ('all' in c) c.all.forEach((x, i) => checkCondition(src, childPointer(childPointer(ptr, 'all'), i), x, out));
  else if ('any' in c) c.any.forEach((x, i) => checkCondition(src, childPointer(childPointer(ptr, 'any'), i), x, out));
  else if ('event' in c && c.event.text !== undefined) checkRegex(src, `${ptr}/event/text`, c.event.text, out);
  else if ('answer' in c) {
    checkRegex(src, `${ptr}/answer/expect`, c.answer.expect, out);
    checkPlaceholders(src, `${ptr}/answer/expect`, c.answer.expect, out);
  }
}

/** Parses and checks one walkthrough's text; `file` names it in the diagnostics. */
export function parseWalkthrough(file: string, text: string): LoadedWalkthrough {
  const src = parseSource(file, text);
  if (src.errors.length) {
    return { walkthrough: null, diagnostics: src.errors.map((e) => problem(src, '', e.message, 'yaml')) };
  }
  const diagnostics = schemaDiagnostics(src, 'walkthrough');
  if (diagnostics.length) return { walkthrough: null, diagnostics };
  const raw = src.value as Omit<Walkthrough, 'id' | 'file'>;
  raw.steps.forEach((step, i) => {
    const at = `/steps/${i}`;
    checkCondition(src, `${at}/done`, step.done, diagnostics);
    step.trainee.forEach((a, j) => {
      if ('wait_for' in a) checkCondition(src, `${at}/trainee/${j}/wait_for`, a.wait_for, diagnostics);
      if ('answer' in a) checkPlaceholders(src, `${at}/trainee/${j}/answer`, a.answer, diagnostics);
    });
    if (!step.trainee.length && !('answer' in step.done)) {
      // the scripted trainee must be able to finish every step: CI runs each walkthrough with it
      diagnostics.push(problem(src, `${at}/trainee`, `steps.${i}.trainee: empty; say what the scripted trainee does (CI runs it)`, 'trainee'));
    }
  });
  if (usesCluster(raw) && (raw.stack.controllers ?? 1) < 2) {
    // kill_leader, a leader condition or {{leader}} mean nothing on a stack of one controller
    diagnostics.push(
      problem(src, '/stack', 'stack.controllers: kill_leader, a leader condition and {{leader}} need a cluster stack (controllers: 2 or 3)', 'cluster'),
    );
  }
  if (diagnostics.length) return { walkthrough: null, diagnostics };
  const id = path.basename(file).replace(/\.ya?ml$/, '');
  return { walkthrough: { ...raw, id, file }, diagnostics: [] };
}

/** Every walkthrough of a folder (sorted by file name), with the diagnostics of each file. */
export function loadWalkthroughs(dir: string): LoadedWalkthrough[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n));
  } catch (e) {
    throw new BatonError('NOT_FOUND', `no walkthrough folder at ${dir}: ${(e as Error).message}`, { where: dir });
  }
  return names.sort().map((n) => parseWalkthrough(path.join(dir, n), fs.readFileSync(path.join(dir, n), 'utf8')));
}

/** The walkthrough with this id, or a NOT_FOUND naming the ones there are; a file with problems is BAD_TEMPLATE. */
export function findWalkthrough(dir: string, id: string): Walkthrough {
  const all = loadWalkthroughs(dir);
  const found = all.find((l) => path.basename(l.diagnostics[0]?.file ?? l.walkthrough?.file ?? '').replace(/\.ya?ml$/, '') === id);
  if (!found) {
    const ids = all.map((l) => path.basename(l.walkthrough?.file ?? l.diagnostics[0]?.file ?? '').replace(/\.ya?ml$/, ''));
    throw new BatonError('NOT_FOUND', `no walkthrough ${id} in ${dir} (there are: ${ids.join(', ') || 'none'})`, { where: 'walkthrough' });
  }
  if (!found.walkthrough) {
    const d = found.diagnostics[0]!;
    throw new BatonError('BAD_TEMPLATE', `${d.message} (${found.diagnostics.length} problem(s); run baton train lint)`, {
      where: `${d.file}:${d.line}:${d.col}`,
    });
  }
  return found.walkthrough;
}
