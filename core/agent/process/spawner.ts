// The agent's side of its spawn helper (core/agent/native/baton-spawn.c): tasks are spawned by a
// small process instead of by fork()ing the ~90 MB agent, whose page tables cost more than the
// task's own start (a third of an agent's cpu at 1,000 tasks). The helper reaps the tasks and
// reports their exits; each task gets an ExitSource in place of a ChildProcess.
// When the helper is missing (no C compiler at build) or dies, the agent spawns with Node
// (spawn.ts); the tasks the dead helper had started are then watched by polling, like adopted ones.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { SpawnInput, SpawnResult } from './spawn.js';

/** What the driver needs of a spawned task: its exit, once. ChildProcess is one too. */
export interface ExitSource {
  /** groupGone: the reaper saw nothing left of the task's process group (undefined: not known) */
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null, groupGone?: boolean) => void): unknown;
  removeAllListeners(event: 'exit'): unknown;
}

/**
 * Lines of the helper handled per turn of the loop. 1,000 exits signalled together come in one or
 * two reads: handled all in one turn, their 1,000 answers left in one message after the last; in
 * slices, the answers of a slice are on their way to the controller (the outbox sends a burst at
 * the end of its turn) while the next slice is handled.
 */
const LINES_PER_TURN = 200;

export const SPAWN_HELPER = fileURLToPath(new URL('../native/baton-spawn', import.meta.url));

/** number -> name; the first name of a number wins (SIGABRT, not its alias SIGIOT; EAGAIN, not EWOULDBLOCK), as Node names them */
function byNumber<N extends string>(table: Record<string, number>): Map<number, N> {
  const m = new Map<number, N>();
  for (const [name, n] of Object.entries(table)) if (!m.has(n)) m.set(n, name as N);
  return m;
}
const SIGNAL_NAMES = byNumber<NodeJS.Signals>(osConstants.signals);
const ERRNO_NAMES = byNumber<string>(osConstants.errno);

interface Pending {
  resolve(r: SpawnResult): void;
  inp: SpawnInput;
}

/** A task the helper started. Its exit can be read in the same chunk as its start, before the
 *  launcher (behind an await) listens: the exit is kept and given to a listener that comes late,
 *  on a later turn of the loop as a ChildProcess would (the launcher marks the task launched
 *  right after it listens, and an exit must come after that). */
class HelperChild {
  private exit: [number | null, NodeJS.Signals | null, boolean | undefined] | null = null;
  private listeners: Array<(code: number | null, signal: NodeJS.Signals | null, groupGone?: boolean) => void> = [];

  on(_event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null, groupGone?: boolean) => void): this {
    this.listeners.push(listener);
    if (this.exit) setImmediate(() => this.flush());
    return this;
  }

  removeAllListeners(): this {
    this.listeners = [];
    return this;
  }

  exited(code: number | null, signal: NodeJS.Signals | null, groupGone?: boolean): void {
    this.exit = [code, signal, groupGone];
    this.flush();
  }

  private flush(): void {
    const exit = this.exit!;
    for (const l of this.listeners.splice(0)) l(...exit);
  }
}

export class SpawnHelper {
  private readonly proc: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private readonly running = new Map<number, HelperChild>();
  private nextReq = 1;
  private buffered = '';
  /** lines read and not handled yet (LINES_PER_TURN a turn), from `next` on */
  private lines: string[] = [];
  private next = 0;
  alive = true;

  /** onLost: the helper died; these pids are no longer reaped by it (watch them some other way). */
  private constructor(
    bin: string,
    private readonly onLost: (pids: number[]) => void,
  ) {
    this.proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (s: string) => this.read(s));
    this.proc.stdin!.on('error', () => {}); // a dead helper is handled on 'exit'
    this.proc.on('error', () => this.lost());
    this.proc.on('exit', () => this.lost());
  }

  /** Starts the helper when it was built; null when it was not (the caller spawns with Node). */
  static start(onLost: (pids: number[]) => void, bin = SPAWN_HELPER): SpawnHelper | null {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      console.error(`agent: no spawn helper at ${bin} (built by scripts/build-c.sh on Linux only): tasks are spawned with Node's spawn`);
      return null;
    }
    return new SpawnHelper(bin, onLost);
  }

  spawn(inp: SpawnInput): Promise<SpawnResult> {
    if (!this.alive) return Promise.resolve({ ok: false, message: `cannot start ${inp.command}: the agent's spawn helper is gone` });
    const req = this.nextReq++;
    const parts = [String(req), inp.command, inp.cwd, inp.logPath, String(inp.args.length), ...inp.args];
    const env = Object.entries(inp.env).map(([k, v]) => `${k}=${v}`);
    parts.push(String(env.length), ...env);
    for (const p of parts) {
      if (p.includes('\0'))
        return Promise.resolve({ ok: false, message: `an argument or environment value of ${inp.command} holds a NUL byte`, errno: 'EINVAL' });
    }
    const body = Buffer.from(parts.join('\0') + '\0');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length);
    return new Promise((resolve) => {
      this.pending.set(req, { resolve, inp });
      // a launch batch asks for many tasks in one turn of the loop: one write for all of them
      const stdin = this.proc.stdin!;
      if (!stdin.writableCorked) {
        stdin.cork();
        process.nextTick(() => stdin.uncork());
      }
      stdin.write(head);
      stdin.write(body);
    });
  }

  /**
   * Closes the helper's stdin and waits until it has exited (SIGKILL after `ms`), so that an agent
   * that stops leaves no helper behind; tasks it started live on (a restarted agent adopts them).
   */
  async stop(ms = 2000): Promise<void> {
    this.alive = false;
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.stdin!.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), ms);
    await exited;
    clearTimeout(timer);
  }

  private read(chunk: string): void {
    const lines = (this.buffered + chunk).split('\n');
    this.buffered = lines.pop()!;
    if (this.next < this.lines.length) {
      for (const line of lines) this.lines.push(line); // behind those still waiting: order is kept
      return;
    }
    this.lines = lines;
    this.next = 0;
    this.handleLines();
  }

  /** Handles up to LINES_PER_TURN waiting lines; the rest on the next turn. */
  private handleLines(limit = LINES_PER_TURN): void {
    const end = Math.min(this.lines.length, this.next + limit);
    while (this.next < end) this.handle(this.lines[this.next++]!);
    if (this.next < this.lines.length) setImmediate(() => this.handleLines());
    else {
      this.lines = [];
      this.next = 0;
    }
  }

  private handle(line: string): void {
    const [kind, a, b, c, d] = line.split(' ');
    if (kind === 'S') this.spawned(Number(a), Number(b), Number(c));
    else if (kind === 'F') this.failed(Number(a), Number(b), c);
    else if (kind === 'X') this.exited(Number(a), Number(b), Number(c), d === undefined ? undefined : d === '1');
  }

  private spawned(req: number, pid: number, startTime: number): void {
    const p = this.pending.get(req);
    if (!p) return;
    this.pending.delete(req);
    const child = new HelperChild();
    this.running.set(pid, child);
    p.resolve({ ok: true, child, pid, ...(startTime > 0 ? { startTime } : {}) });
  }

  private failed(req: number, errno: number, stage: string): void {
    const p = this.pending.get(req);
    if (!p) return;
    this.pending.delete(req);
    const code = ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
    const message =
      stage === 'log'
        ? `cannot open the log file ${p.inp.logPath}: ${code}`
        : stage === 'cwd'
          ? `cannot enter the working directory ${p.inp.cwd}: ${code}`
          : `cannot start ${p.inp.command}: ${code === 'ENOENT' ? 'command not found' : code === 'EACCES' ? 'permission denied' : `${code} (${stage})`}`;
    p.resolve({ ok: false, message, errno: code, stage });
  }

  // The helper writes a task's S line before it can reap it: its X line always comes later.
  private exited(pid: number, code: number, sig: number, groupGone: boolean | undefined): void {
    const child = this.running.get(pid);
    if (!child) return;
    this.running.delete(pid);
    child.exited(code < 0 ? null : code, sig ? (SIGNAL_NAMES.get(sig) ?? null) : null, groupGone);
  }

  private lost(): void {
    this.handleLines(Infinity); // what it said before it died is still true
    if (!this.alive && !this.running.size && !this.pending.size) return;
    this.alive = false;
    for (const p of this.pending.values())
      p.resolve({ ok: false, message: `cannot start ${p.inp.command}: the agent's spawn helper exited before it answered` });
    this.pending.clear();
    const pids = [...this.running.keys()];
    this.running.clear();
    if (pids.length) this.onLost(pids);
  }
}
