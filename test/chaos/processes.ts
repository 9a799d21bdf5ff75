// The controller and the agents of the chaos stack, each a process of its own (so a fault can
// kill -9 or SIGSTOP it) in its own process group, tagged CHAOS_TAG=<run id> in its environment:
// tasks inherit the tag, which is how the orphan scan finds everything this run started.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../integration/controller/child-main.js');

export const TAG_VARIABLE = 'CHAOS_TAG';

export class ManagedProcess {
  proc: ChildProcess | null = null;
  address = '';
  /** pids of every process this object started (for the cleanup) */
  readonly started: number[] = [];

  constructor(
    readonly kind: 'controller' | 'agent',
    readonly name: string,
    private options: object,
    private tag: string,
    private logFile: string,
  ) {}

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(overrides: object = {}): Promise<void> {
    if (this.running()) throw new Error(`${this.name} already running`);
    const log = fs.openSync(this.logFile, 'a');
    const proc = spawn(process.execPath, [CHILD_MAIN, this.kind, JSON.stringify({ ...this.options, ...overrides })], {
      stdio: ['ignore', 'pipe', log],
      detached: true,
      env: { ...process.env, [TAG_VARIABLE]: this.tag },
    });
    fs.closeSync(log);
    this.proc = proc;
    if (proc.pid) this.started.push(proc.pid);
    this.address = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${this.name} did not listen within 30 s`)), 30_000);
      proc.stdout!.on('data', (d) => {
        out += d;
        const m = /listening (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          out = '';
          resolve(m[1]!);
        }
        if (out.length > 4096) out = out.slice(-256);
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before listening`));
      });
    });
  }

  /** kill -9 of the process itself (not its group: its tasks are in groups of their own) */
  async kill9(): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running()) return;
    const gone = new Promise((r) => proc.once('exit', r));
    try {
      process.kill(proc.pid!, 'SIGCONT');
    } catch {
      /* gone */
    }
    proc.kill('SIGKILL');
    await gone;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running()) process.kill(this.proc!.pid!, sig);
  }

  /** the end of a run: the process group, whatever state it is in */
  async destroy(): Promise<void> {
    for (const pid of this.started) {
      for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
        try {
          process.kill(-pid, sig);
        } catch {
          /* gone */
        }
      }
    }
    await this.kill9();
  }
}
