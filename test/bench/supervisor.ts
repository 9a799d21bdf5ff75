// Debian's supervisord as a peer in the benchmarks: a config of its own with N [program:x] entries
// in a temp dir, supervisord started by us (nodaemon, so that it is our child and is stopped by
// us), `supervisorctl start all` / `stop all`, and `supervisorctl status` to see every program
// RUNNING or STOPPED. Programs start with startsecs=0: supervisord's default (1 s) would add a
// second that is a policy, not its speed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ProgramStatus {
  name: string;
  state: string;
  pid: number;
}

export class Supervisor {
  private constructor(
    readonly dir: string,
    readonly conf: string,
    private readonly proc: ChildProcess,
  ) {}

  /** true when supervisord and supervisorctl are on PATH */
  static installed(): boolean {
    return ['supervisord', 'supervisorctl'].every((bin) => (process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, bin))));
  }

  /** Writes the config (programs p0..p{n-1} running `command args`, not started) and starts supervisord. */
  static async start(n: number, command: string, args: string[], termMs: number): Promise<Supervisor> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-supervisor-'));
    const conf = path.join(dir, 'supervisord.conf');
    const lines = [
      '[unix_http_server]',
      `file=${dir}/supervisor.sock`,
      '',
      '[supervisord]',
      `logfile=${dir}/supervisord.log`,
      `pidfile=${dir}/supervisord.pid`,
      `childlogdir=${dir}`,
      'nodaemon=true',
      'silent=true',
      `minfds=${Math.max(1024, 4 * n + 64)}`,
      '',
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '',
      '[supervisorctl]',
      `serverurl=unix://${dir}/supervisor.sock`,
      '',
    ];
    for (let i = 0; i < n; i++) {
      lines.push(
        `[program:p${i}]`,
        `command=${[command, ...args].join(' ')}`,
        'autostart=false',
        'autorestart=false',
        'startsecs=0',
        `stopwaitsecs=${Math.ceil(termMs / 1000)}`,
        'stopasgroup=true',
        'killasgroup=true',
        '',
      );
    }
    fs.writeFileSync(conf, lines.join('\n'));
    const proc = spawn('supervisord', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => {
      stderr += d;
    });
    const s = new Supervisor(dir, conf, proc);
    const until = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`supervisord exited ${proc.exitCode} at start: ${stderr.trim()}`);
      try {
        await s.status();
        return s;
      } catch (e) {
        if (Date.now() > until) {
          await s.stop();
          throw new Error(`supervisord did not answer within 60 s: ${(e as Error).message}`);
        }
        await sleep(100);
      }
    }
  }

  private ctl(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('supervisorctl', ['-c', this.conf, ...args], { maxBuffer: 64 << 20, timeout: 600_000 }, (err, stdout, stderr) => {
        // status exits 3 when some program is not RUNNING: that is an answer, not a failure
        if (err && !(stdout && (err as NodeJS.ErrnoException & { code?: number }).code === 3)) {
          reject(new Error(`supervisorctl ${args.join(' ')}: ${(stderr || err.message).trim()}`));
        } else resolve(stdout);
      });
    });
  }

  async status(): Promise<ProgramStatus[]> {
    const out = await this.ctl('status');
    return out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [name = '', state = ''] = l.trim().split(/\s+/);
        const pid = /pid (\d+)/.exec(l);
        return { name, state, pid: pid ? Number(pid[1]) : 0 };
      });
  }

  /** `supervisorctl <verb> all`, then `status` until every program is in `state` */
  async all(verb: 'start' | 'stop', state: 'RUNNING' | 'STOPPED', timeoutMs = 600_000): Promise<ProgramStatus[]> {
    await this.ctl(verb, 'all');
    const until = Date.now() + timeoutMs;
    for (;;) {
      const st = await this.status();
      if (st.length && st.every((p) => p.state === state)) return st;
      if (Date.now() > until) throw new Error(`supervisord: ${st.filter((p) => p.state !== state).length} program(s) not ${state} after ${verb} all`);
      await sleep(50);
    }
  }

  /** Stops supervisord (SIGTERM: it stops its programs first) and removes its dir. */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
