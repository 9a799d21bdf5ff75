// The parent side of the core's process: starts electron/core-child.js with a Node runtime
// (node-runtime.ts), waits for its gateway, and stops it (the local stack it started goes down
// with it). No Electron import: the main process uses it, and tests run it under plain Node.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoreFailed, CoreReady } from './core-child.js';
import type { CoreRuntime } from './node-runtime.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** the child's script: in the packaged app the real file beside the archive (dist/ is unpacked,
 *  electron-builder.yml asarUnpack), so any Node runtime can read it, not only Electron's */
const CHILD_SCRIPT = path.join(here, 'core-child.js').replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
/** how long a stopping core may take (the local stack's down) before it is killed */
const STOP_GRACE_MS = 20_000;

export interface CoreProcess {
  gateway: { url: string; token: string; openUrl: string };
  describe: string;
  pid: number;
  stop(): Promise<void>;
}

export function startCoreProcess(runtime: CoreRuntime, opts: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<CoreProcess> {
  const log = opts.log ?? (() => {});
  const child: ChildProcess = fork(CHILD_SCRIPT, [], {
    execPath: runtime.command,
    env: { ...(opts.env ?? process.env), ...runtime.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (m: CoreReady | CoreFailed | { kind: 'log'; line: string }) => {
      if (m.kind === 'log') return log(m.line);
      if (settled) return;
      settled = true;
      if (m.kind === 'failed') return reject(new Error(m.message));
      resolve({
        gateway: { url: m.url, token: m.token, openUrl: m.openUrl },
        describe: `${m.describe}; core run by ${runtime.describe}`,
        pid: child.pid ?? 0,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          if (child.connected) child.send({ kind: 'stop' });
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        },
      });
    });
    child.once('error', (e) => {
      if (!settled) {
        settled = true;
        reject(new Error(`the core could not be started with ${runtime.describe}: ${e.message}`));
      }
    });
    child.once('exit', (code, signal) => {
      if (!settled) {
        settled = true;
        reject(new Error(`the core (${runtime.describe}) exited before its console was up (${signal ?? `code ${code}`})`));
      }
    });
  });
}
