// The Python that runs the Python SDK's conformance program: the first of $BATON_PYTHON, python3,
// /usr/bin/python3 that can import grpc (a python3 on PATH may well lack grpcio).
import { spawnSync } from 'node:child_process';

let found: { path: string } | { missing: string } | null = null;

export function pythonWithGrpc(): { path: string } | { missing: string } {
  if (found) return found;
  const candidates = [process.env.BATON_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import grpc, google.protobuf'], { stdio: 'ignore', timeout: 20_000 });
    if (r.status === 0) return (found = { path: c });
  }
  return (found = { missing: `no Python with grpcio and protobuf among ${candidates.join(', ')} (set BATON_PYTHON)` });
}
