// Spawning one task: its own process group (detached), stdout+stderr appended to its log file,
// the Baton environment variables. A command that cannot be started is reported, not thrown.
// The agent's spawn helper does it when it runs (spawner.ts); else Node's spawn.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openLogFd } from './logs.js';
import type { ExitSource, SpawnHelper } from './spawner.js';

export interface SpawnInput {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logPath: string;
}

export type SpawnResult =
  | { ok: true; child: ExitSource; pid: number /** /proc/<pid>/stat's start time, when the spawner read it */; startTime?: number }
  | { ok: false; message: string; errno?: string /** the helper's step that failed */; stage?: string };

/**
 * What every task inherits from the agent's environment: all but the agent's own BATON_* (its
 * token, its home), which are not the task's business. Read once per agent: enumerating
 * process.env asks the C++ side for every variable, and per task that was 0.1-0.4 ms of an
 * agent's cpu at 1,000 tasks.
 */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('BATON_')) env[k] = v;
  return env;
}

export function taskEnv(inherited: Record<string, string>, base: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  return { ...inherited, ...base, ...extra };
}

export async function spawnTask(inp: SpawnInput, helper?: SpawnHelper | null): Promise<SpawnResult> {
  if (!inp.command) return { ok: false, message: 'the task has no command' };
  try {
    if (!fs.statSync(inp.cwd).isDirectory()) return { ok: false, message: `working directory ${inp.cwd} is not a directory`, errno: 'ENOTDIR' };
  } catch {
    return { ok: false, message: `working directory ${inp.cwd} does not exist`, errno: 'ENOENT' };
  }
  if (helper?.alive) {
    const r = await helper.spawn(inp);
    // the log directory is made when it is missing, not checked before every task (as openLogFd)
    if (r.ok || r.stage !== 'log' || r.errno !== 'ENOENT') return r;
    fs.mkdirSync(path.dirname(inp.logPath), { recursive: true });
    return helper.spawn(inp);
  }
  return spawnWithNode(inp);
}

async function spawnWithNode(inp: SpawnInput): Promise<SpawnResult> {
  let fd: number;
  try {
    fd = openLogFd(inp.logPath);
  } catch (e) {
    return { ok: false, message: `cannot open the log file ${inp.logPath}: ${(e as Error).message}` };
  }
  let child: ChildProcess;
  try {
    child = spawn(inp.command, inp.args, { detached: true, stdio: ['ignore', fd, fd], env: inp.env, cwd: inp.cwd });
  } catch (e) {
    fs.closeSync(fd);
    return { ok: false, message: `cannot start ${inp.command}: ${(e as Error).message}`, errno: (e as NodeJS.ErrnoException).code };
  }
  fs.closeSync(fd); // the child has its own copy
  if (child.pid === undefined) {
    const err = await new Promise<NodeJS.ErrnoException>((r) => child.once('error', r));
    const why = err.code === 'ENOENT' ? 'command not found' : err.code === 'EACCES' ? 'permission denied' : err.message;
    return { ok: false, message: `cannot start ${inp.command}: ${why}`, errno: err.code };
  }
  child.on('error', () => {}); // late errors (signalling a dead pid) must not crash the agent
  child.unref();
  return { ok: true, child, pid: child.pid };
}
