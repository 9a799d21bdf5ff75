// Which Node runs the core (local stack + console gateway) beside the desktop app's main process.
// The main process loads no native module: the controller's better-sqlite3 is loaded only by
// processes this runtime starts, so it must be built for this runtime's ABI.
//   - BATON_NODE: a Node binary the operator names (its ABI must match node_modules').
//   - development (`npm start`, not packaged): `node` from PATH, the Node that npm built
//     node_modules for.
//   - the packaged app: Electron itself run as Node (ELECTRON_RUN_AS_NODE=1 with its own
//     executable). Electron-as-Node has Electron's module ABI, not Node's, so electron-builder
//     rebuilds better-sqlite3 for it when packaging (electron-builder.yml: npmRebuild); no Node
//     needs to be installed on the operator's machine.
// Pure (no Electron import), so tests run it under plain Node.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface CoreRuntime {
  /** the executable to start */
  command: string;
  /** added to the child's environment */
  env: Record<string, string>;
  /** for logs and error messages */
  describe: string;
}

export interface RuntimeContext {
  env: NodeJS.ProcessEnv;
  /** app.isPackaged */
  packaged: boolean;
  /** process.execPath of the main process (the Electron binary) */
  execPath: string;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` on PATH, or null. */
export function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, process.platform === 'win32' ? `${name}.exe` : name);
    if (executable(file)) return file;
  }
  return null;
}

export function findCoreRuntime(ctx: RuntimeContext): CoreRuntime {
  const named = ctx.env.BATON_NODE;
  if (named) {
    if (!executable(named)) throw new Error(`BATON_NODE=${named} is not an executable file (a Node binary whose ABI matches node_modules)`);
    return { command: named, env: {}, describe: `Node at ${named} (BATON_NODE)` };
  }
  if (!ctx.packaged) {
    const node = onPath('node', ctx.env);
    if (!node) throw new Error('no `node` on PATH: the development app runs the core with the Node that built node_modules (or set BATON_NODE)');
    return { command: node, env: {}, describe: `Node at ${node}` };
  }
  return { command: ctx.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, describe: `Electron as Node (${ctx.execPath})` };
}
