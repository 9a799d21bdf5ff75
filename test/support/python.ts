// The Python that runs the Python task SDK's programs in tests: the first of $BATON_PYTHON,
// python3 and /usr/bin/python3 that can import grpc and google.protobuf. None found is a failure
// that says what to install, never a skip: CI installs these packages (.ci/run).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** sdk/python in the source tree (the programs run from there: nothing is built or installed) */
export const PYTHON_SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sdk/python');
export const PYTHON_CONFORMANCE_TASK = path.join(PYTHON_SDK, 'examples', 'conformance_task.py');
export const PYTHON_DEMO_TASK = path.join(PYTHON_SDK, 'examples', 'demo_task.py');

let found: string | null = null;

/** The Python command to run the SDK with; throws naming the packages to install when none can. */
export function findPython(): string {
  if (found) return found;
  const tried: string[] = [];
  const candidates = [process.env.BATON_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const command of candidates) {
    const r = spawnSync(command, ['-c', 'import grpc, google.protobuf'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return (found = command);
    const why = r.error ? r.error.message : r.stderr.trim().split('\n').pop() || `exit ${r.status}`;
    tried.push(`${command} (${why})`);
  }
  throw new Error(
    `no Python that can import grpc and google.protobuf: tried ${tried.join('; ')}. ` +
      'Install python3-grpcio python3-protobuf (Debian 12: apt-get install python3-grpcio python3-protobuf), ' +
      'or set BATON_PYTHON to a Python that has grpcio and protobuf',
  );
}
