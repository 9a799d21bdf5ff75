import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LaunchSpec } from '../../../core/rpc/gen/agent.js';
import { NODE, sleep, spec } from '../agent/harness.js';
import { findPython, PYTHON_CONFORMANCE_TASK } from '../../support/python.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** the repository root (this file runs from dist/test/integration/conformance/) */
const ROOT = path.resolve(HERE, '../../../..');

export const ALL_SDKS = ['reference', 'node', 'c', 'python'] as const;
export type Sdk = (typeof ALL_SDKS)[number];

/** The SDKs this run tests: BATON_CONFORMANCE_SDKS (comma-separated), else all of them. */
export function selectedSdks(): Sdk[] {
  const asked = (process.env.BATON_CONFORMANCE_SDKS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!asked.length) return [...ALL_SDKS];
  const unknown = asked.filter((s) => !(ALL_SDKS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`BATON_CONFORMANCE_SDKS: unknown SDK ${unknown.join(', ')} (one of ${ALL_SDKS.join(', ')})`);
  return asked as Sdk[];
}

/** How to run an SDK's conformance task program, or why it cannot be run (the tests then fail). */
export function conformanceProgram(sdk: Sdk): { command: string; args: string[] } | { missing: string } {
  const built = (file: string, how: string) =>
    fs.existsSync(file) ? null : `the ${sdk} conformance task program ${path.relative(ROOT, file)} is not built (${how})`;
  switch (sdk) {
    case 'reference': {
      const file = path.join(HERE, 'reference-task.js');
      return built(file, 'npm run build') ? { missing: built(file, 'npm run build')! } : { command: NODE, args: [file] };
    }
    case 'node': {
      const file = path.join(ROOT, 'dist/sdk/node/examples/conformance-task.js');
      const why = built(file, 'npm run build compiles sdk/node/examples/conformance-task.ts');
      return why ? { missing: why } : { command: NODE, args: [file] };
    }
    case 'c': {
      const file = path.join(ROOT, 'dist/sdk/c/conformance_task');
      const why = built(file, 'scripts/build-c.sh builds it from sdk/c/conformance_task.c');
      return why ? { missing: why } : { command: file, args: [] };
    }
    case 'python': {
      const file = PYTHON_CONFORMANCE_TASK;
      if (!fs.existsSync(file)) return { missing: `the python conformance task program ${path.relative(ROOT, file)} does not exist` };
      try {
        return { command: findPython(), args: [file] };
      } catch (e) {
        return { missing: (e as Error).message };
      }
    }
  }
}

/** A LaunchSpec running the SDK's conformance program; fails the test when it cannot be run. */
export function conformanceSpec(sdk: Sdk, taskId: string, extra: Partial<LaunchSpec> & { env?: Record<string, string> } = {}): LaunchSpec {
  const program = conformanceProgram(sdk);
  if ('missing' in program) assert.fail(`${program.missing}: the ${sdk} SDK cannot be checked`);
  return spec({ taskId, command: program.command, args: program.args, controlExitMs: 3000, termMs: 1000, ...extra });
}

/**
 * The same, with the program run by a shell that writes its exit code to the log
 * (`conformance: exit code N`): a task whose agent was killed -9 is no child of the test, whose
 * exit code could not be read otherwise.
 */
export function exitCodeLoggingSpec(sdk: Sdk, taskId: string, extra: Partial<LaunchSpec> = {}): LaunchSpec {
  const s = conformanceSpec(sdk, taskId, extra);
  return { ...s, command: '/bin/sh', args: ['-c', '"$0" "$@"; echo "conformance: exit code $?"', s.command, ...s.args] };
}

/** The log's lines so far. */
export function logLines(logPath: string): string[] {
  return fs.readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
}

/** Waits (bounded) until the log has a line matching `re`; returns all lines. */
export async function waitForLine(logPath: string, re: RegExp, ms = 10_000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const lines = logLines(logPath);
    if (lines.some((l) => re.test(l))) return lines;
    if (Date.now() > until) assert.fail(`no log line matching ${re} within ${ms} ms; the log:\n${lines.join('\n')}`);
    await sleep(50);
  }
}

export { agentProcess } from '../agent/agent-process.js';
