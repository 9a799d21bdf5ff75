// Starting the Python SDK's programs in tests: the Python from test/support/python.ts, the agent's
// variables, output as pipes, killed after the test.
import type { TestContext } from 'node:test';
import { spawn } from 'node:child_process';
import { exitOf } from '../../unit/sdk/control-fixture.js';
import { findPython, PYTHON_SDK } from '../../support/python.js';

export function agentEnv(address: string, token = 'secret', extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, BATON_CONTROL: address, BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: token, BATON_TASK_NAME: 'pytask', ...extra };
}

/** Runs a Python program (a file, or `-c` and code) with `env`; its pid and its exit with output. */
export function startPython(t: TestContext, args: string[], env: NodeJS.ProcessEnv) {
  const p = spawn(findPython(), args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
  t.after(() => p.kill('SIGKILL'));
  return { p, exited: exitOf(p) };
}

/** Python code that imports the SDK from the source tree, then runs `body`. */
export function pythonProgram(body: string): string[] {
  return ['-c', `import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_SDK)})\n${body}`];
}
