// Problems as Diagnostics (what lint returns), and the reporter expansion sends problems to:
// a normal expansion stops at the first problem, a lint expansion records template problems and
// goes on, so that one lint run shows them all.
import { BatonError } from '../model/errors.js';
import type { Diagnostic } from './types.js';
import { lineCol, type SourceFile } from './source.js';

/** lint stops recording after this many problems */
export const MAX_DIAGNOSTICS = 200;

/** Thrown (not a BatonError, so nothing records it) when lint has recorded enough. */
export class LintAbort extends Error {
  constructor() {
    super(`stopped after ${MAX_DIAGNOSTICS} problems`);
  }
}

/** Where the problems of one expansion go. */
export class ProblemReporter {
  /** place + message of what is recorded: the same problem found twice (e.g. once per item) counts once */
  private readonly reported = new Set<string>();

  /** `diagnostics`: set for lint (problems are recorded there); unset, every problem is thrown */
  constructor(private readonly diagnostics: Diagnostic[] | undefined) {}

  /** Throws, or in lint mode records a template problem and lets the caller go on. */
  report(e: unknown): void {
    const d = this.diagnostics;
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
}

/** A BatonError as a Diagnostic, placed by its `where` (file:line:col) when it has one. */
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

/** The YAML syntax errors of a file as Diagnostics. */
export function sourceDiagnostics(src: SourceFile): Diagnostic[] {
  return src.errors.map((er) => {
    const { line, col } = lineCol(src, er.offset);
    return { file: src.file, line, col, code: 'BAD_TEMPLATE', message: er.message, severity: 'error' as const, reason: 'yaml' };
  });
}
