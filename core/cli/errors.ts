// How a failure reaches the user: a structured error (what, where, which task on which node,
// exit code, last lines) on stderr, or {error: {...}} on stdout with --json; exit 1 or 2.
import { CommanderError } from 'commander';
import { BatonError, formatError, toBatonError, type ErrorDetailLike } from '../model/errors.js';
import { fromServiceError } from '../rpc/errors.js';
import { printJson } from './output.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Any thrown value as a BatonError (gRPC errors keep their structured detail). */
export function asBatonError(e: unknown): BatonError {
  if (e instanceof BatonError) return e;
  if (e && typeof e === 'object' && 'metadata' in e && 'code' in e) return fromServiceError(e);
  return toBatonError(e);
}

/** formatError, without repeating `where` when the message already starts with it. */
function oneLine(d: ErrorDetailLike): string {
  const repeats = !!d.where && d.message.startsWith(d.where);
  return formatError(repeats ? { ...d, where: undefined } : d);
}

export function renderError(d: ErrorDetailLike, indent = ''): string[] {
  const lines = [`${indent}${oneLine(d)} [${d.code}]`];
  if (d.lastLines?.length) {
    lines.push(`${indent}  last lines${d.taskName ? ` of ${d.taskName}` : ''}:`);
    for (const l of d.lastLines.slice(-20)) lines.push(`${indent}  | ${l}`);
  }
  const causes = d.causes ?? [];
  if (causes.length) {
    lines.push(`${indent}  because:`);
    for (const c of causes.slice(0, 20)) lines.push(...renderError(c, `${indent}  - `).map((l, i) => (i ? `${indent}    ${l.trimStart()}` : l)));
    if (causes.length > 20) lines.push(`${indent}  ... and ${causes.length - 20} more`);
  }
  return lines;
}

/** Prints the error and returns the exit code. */
export function reportError(e: unknown, json: boolean): number {
  if (e instanceof CommanderError) {
    // commander printed its message already; help and version are not failures
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT_OK;
    if (json) printJson({ error: { code: 'BAD_INPUT', message: e.message.replace(/^error: /, '') } });
    return EXIT_USAGE;
  }
  const be = asBatonError(e);
  if (json) {
    printJson({ error: be.detail });
  } else {
    const [first, ...rest] = renderError(be.detail);
    process.stderr.write(`baton: ${first}\n${rest.map((l) => l + '\n').join('')}`);
    if (be.code === 'INTERNAL' && e instanceof Error && e.stack && process.env.BATON_DEBUG) process.stderr.write(e.stack + '\n');
  }
  return be.exitCode;
}
