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

/**
 * One line naming what and where (model's formatError), without repeating what the message
 * already says (the controller's messages often name the task, node and exit code themselves).
 */
export function errorLine(d: ErrorDetailLike): string {
  const m = d.message;
  return formatError({
    ...d,
    where: d.where && !m.startsWith(d.where) ? d.where : undefined,
    taskName: d.taskName && !m.includes(d.taskName) ? d.taskName : undefined,
    node: d.node && !m.includes(d.node) ? d.node : undefined,
    exitCode: d.exitCode !== undefined && !/exit code/.test(m) ? d.exitCode : undefined,
    signal: d.signal && !m.includes(d.signal) ? d.signal : undefined,
  });
}

export function renderError(d: ErrorDetailLike, parentTask?: string): string[] {
  const lines = [`${errorLine(d)} [${d.code}]`];
  // a cause about the task the parent already showed does not repeat its lines
  if (d.lastLines?.length && !(parentTask && d.taskName === parentTask)) {
    lines.push(`  last lines${d.taskName ? ` of ${d.taskName}` : ''}:`);
    for (const l of d.lastLines.slice(-20)) lines.push(`  | ${l}`);
  }
  const causes = d.causes ?? [];
  if (causes.length) {
    lines.push('  because:');
    for (const c of causes.slice(0, 20)) {
      const [first, ...rest] = renderError(c, d.lastLines?.length ? d.taskName : undefined);
      lines.push(`  - ${first}`, ...rest.map((l) => `    ${l}`));
    }
    if (causes.length > 20) lines.push(`  ... and ${causes.length - 20} more`);
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
