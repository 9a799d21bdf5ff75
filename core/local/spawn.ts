// Starts `baton <args>` as a detached background process: its own process group (so that one
// signal reaches it and its children, and a terminal's Ctrl-C does not), output appended to a
// log file, not waited for by the caller.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { batonBin } from './paths.js';

export interface Spawned {
  pid: number;
  log: string;
  child: ChildProcess;
  /** set once it exits (while the launcher still runs) */
  exited: { code: number | null; signal: NodeJS.Signals | null } | null;
}

export function spawnBaton(args: string[], log: string, env: Record<string, string> = {}): Spawned {
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const fd = fs.openSync(log, 'a', 0o600); // what a service prints (vars, paths, errors) is this user's only
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // inside Electron, process.execPath is the Electron binary: make it behave as node
  if (process.versions.electron) childEnv.ELECTRON_RUN_AS_NODE = '1';
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [batonBin(), ...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: childEnv,
    });
  } finally {
    fs.closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start baton ${args[0]}`);
  const s: Spawned = { pid: child.pid, log, child, exited: null };
  child.on('exit', (code, signal) => {
    s.exited = { code, signal };
  });
  child.on('error', () => {
    s.exited ??= { code: -1, signal: null };
  });
  child.unref();
  return s;
}

/** The last lines of a log file, to show why a process did not come up. */
export function tailFile(file: string, lines = 15): string[] {
  try {
    const buf = fs.readFileSync(file, 'utf8');
    return buf
      .split('\n')
      .filter((l) => l.length)
      .slice(-lines);
  } catch {
    return [];
  }
}
