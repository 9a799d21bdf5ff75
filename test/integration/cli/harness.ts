// Runs the real `baton` command (node bin/baton.js) against a temporary BATON_HOME, and checks
// /proc for processes that belong to that home. Shared by the cli and e2e-cycle tests.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file runs from dist/test/integration/cli/. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const BATON = path.join(ROOT, 'bin', 'baton.js');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'baton-'));
}

/** Environment for a child: no BATON_* from the outside, this home. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BATON_')) env[k] = v;
  return { ...env, BATON_HOME: home, ...extra };
}

export function baton(home: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BATON, ...args], { env: cleanEnv(home, opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`baton ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 120_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs baton and expects exit 0; returns the parsed stdout when asked for --json. */
export async function ok(home: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Result> {
  const r = await baton(home, args, opts);
  if (r.code !== 0) throw new Error(`baton ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

export async function json<T = any>(home: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<T> {
  const r = await ok(home, [...args, '--json'], opts);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`baton ${args.join(' ')} --json printed no JSON document:\n${r.stdout}\nstderr: ${r.stderr}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value or the time is up (then returns the last value). */
export async function pollUntil<T>(
  fn: () => Promise<T>,
  pred: (v: T) => boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<{ value: T; ms: number; met: boolean }> {
  const t0 = Date.now();
  let value = await fn();
  while (!pred(value) && Date.now() - t0 < timeoutMs) {
    await sleep(everyMs);
    value = await fn();
  }
  return { value, ms: Date.now() - t0, met: pred(value) };
}

export interface ProcEntry {
  pid: number;
  cmd: string;
}

/**
 * Every live process (not a zombie) whose command line, environment, working directory or
 * stdout/stderr mentions `home`: what `local down` must leave none of.
 */
export function procsOf(home: string): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').split('\0').join(' ');
      let env = '';
      try {
        env = fs.readFileSync(`/proc/${n}/environ`, 'utf8');
      } catch {
        /* not ours */
      }
      const links = ['cwd', 'fd/1', 'fd/2'].map((l) => {
        try {
          return fs.readlinkSync(`/proc/${n}/${l}`);
        } catch {
          return '';
        }
      });
      if (cmd.includes(home) || env.includes(home) || links.some((l) => l.startsWith(home + '/'))) out.push({ pid: Number(n), cmd });
    } catch {
      /* gone */
    }
  }
  return out;
}

export interface LocalStack {
  home: string;
  /** run baton against this stack */
  run(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<Result>;
  ok(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<Result>;
  json<T = any>(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<T>;
  /** local down; returns its result and the processes of the home still alive after it */
  down(): Promise<{ result: Result; left: ProcEntry[] }>;
}

/** `baton local up` in a fresh temp home; always pair with down() in an after hook. */
export async function localStack(args: string[] = ['--agents', '2']): Promise<LocalStack> {
  const home = tempHome();
  const stack: LocalStack = {
    home,
    run: (a, o) => baton(home, a, o),
    ok: (a, o) => ok(home, a, o),
    json: (a, o) => json(home, a, o),
    async down() {
      const result = await baton(home, ['local', 'down'], { timeoutMs: 120_000 });
      return { result, left: procsOf(home) };
    },
  };
  const up = await baton(home, ['local', 'up', ...args], { timeoutMs: 120_000 });
  if (up.code !== 0) {
    const d = await stack.down();
    throw new Error(
      `local up failed (exit ${up.code})\nstdout: ${up.stdout}\nstderr: ${up.stderr}\n${logsOf(home)}\nafter down: ${d.left.length} processes left`,
    );
  }
  return stack;
}

/** The local-mode logs, for failure messages. */
export function logsOf(home: string, lines = 30): string {
  const dir = path.join(home, 'local');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(-lines).join('\n');
      return `--- ${f}\n${text}`;
    })
    .join('\n');
}
