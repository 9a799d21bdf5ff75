// E2E support: a local Baton stack in a temp BATON_HOME (`baton local up`), the web console
// (`baton console --json`), Debian's Chromium through playwright-core, axe, and a polling helper
// (the page objects use it; a test on Playwright's runner prefers `expect` and `expect.poll`).
// test/e2e/fixtures.ts builds the Playwright fixtures on these.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** the package root (dist/test/e2e/ -> three levels up) */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CHROMIUM = process.env.BATON_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Where the console test saves its screenshots: an ignored folder (test-results/), so running the
 * tests changes no tracked file; `npm run handbook` copies them into docs/handbook/img/.
 */
export const SHOTS = process.env.BATON_SCREENSHOTS ?? path.join(ROOT, 'test-results', 'screenshots');

function consoleMissing(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set BATON_CHROMIUM; Debian: apt-get install chromium)`;
  if (!fs.existsSync(path.join(ROOT, 'dist-renderer', 'index.html'))) return 'the console is not built (npm run build)';
  return null;
}

/**
 * The console's browser tests need Chromium and the built console. Without them they fail, naming
 * what is missing, rather than skip: .ci/run installs the one and npm run build makes the other, so
 * a skip would only hide a broken setup.
 */
export function assertConsoleTestable(): void {
  const why = consoleMissing();
  if (why) throw new Error(`the console's browser tests cannot run: ${why}`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Stack {
  readonly env: NodeJS.ProcessEnv;
  constructor(readonly home: string) {
    this.env = { ...process.env, BATON_HOME: home };
    delete this.env.BATON_CONTROLLER;
    delete this.env.BATON_TOKEN;
  }

  /** `baton local up --agents N [extra…]` in a fresh temp BATON_HOME */
  static async up(agents = 2, extra: string[] = [], timeoutMs = 120_000): Promise<Stack> {
    const s = new Stack(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-')));
    const r = await s.baton(['local', 'up', '--agents', String(agents), ...extra], timeoutMs);
    if (r.code !== 0) {
      await s.down();
      throw new Error(`baton local up failed (${r.code}): ${r.stderr}`);
    }
    return s;
  }

  baton(args: string[], timeoutMs = 60_000): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'baton.js'), ...args], { cwd: ROOT, env: this.env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`baton ${args.join(' ')}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  async json<T>(args: string[]): Promise<T> {
    const r = await this.baton([...args, '--json']);
    if (r.code !== 0) throw new Error(`baton ${args.join(' ')} failed (${r.code}): ${r.stdout}${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  /** `baton local down`, always; then the temp home goes */
  async down(): Promise<RunResult> {
    const r = await this.baton(['local', 'down'], 120_000).catch((e) => ({ code: -1, stdout: '', stderr: String(e) }));
    fs.rmSync(this.home, { recursive: true, force: true });
    return r;
  }
}

export interface ConsoleInfo {
  url: string;
  token: string;
  openUrl: string;
}

/** `baton console --json` against the stack; resolves once it printed its address. */
export class ConsoleProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly info: ConsoleInfo,
  ) {}

  static start(stack: Stack, extra: string[] = []): Promise<ConsoleProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'baton.js'), 'console', '--json', ...extra], { cwd: ROOT, env: stack.env });
      let buf = '';
      let err = '';
      child.stderr!.on('data', (d) => {
        err += d;
      });
      child.stdout!.on('data', (d) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        try {
          const info = JSON.parse(buf.slice(0, nl)) as ConsoleInfo & { error?: unknown };
          if (info.error) reject(new Error(`baton console: ${JSON.stringify(info.error)}`));
          else resolve(new ConsoleProcess(child, info));
        } catch (e) {
          reject(e);
        }
      });
      child.on('exit', (code) => reject(new Error(`baton console exited (${code}): ${err}`)));
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) {
        resolve();
        return;
      }
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/** Chromium's flags for a loaded CI box; test/e2e/playwright.config.ts passes the same ones. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** For node:test e2e files not yet on Playwright's runner (a Playwright test takes the `browser` fixture). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', ...CHROMIUM_ARGS] });
}

/** Polls until fn returns a truthy value (or throws the last failure with what was awaited). */
export async function eventually<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) {
    // evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on
    await page.evaluate(fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  }
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run({ resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/** A `baton agent` or `baton controller` in the foreground (a stack made of separate parts, e.g.
 *  one that serves mutual TLS); resolves once its output matches ready. */
export class ForegroundProcess {
  private output = '';
  private readonly exited: Promise<number | null>;
  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.output += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.output += d;
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(stack: Stack, args: string[], ready: RegExp, timeoutMs = 30_000): Promise<{ proc: ForegroundProcess; match: RegExpExecArray }> {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'baton.js'), ...args], { cwd: ROOT, env: stack.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new ForegroundProcess(child);
    let gone = false;
    void proc.exited.then(() => {
      gone = true;
    });
    const end = Date.now() + timeoutMs;
    for (;;) {
      const match = ready.exec(proc.output);
      if (match) return { proc, match };
      if (gone || Date.now() > end) {
        await proc.stop();
        throw new Error(`baton ${args.join(' ')} ${gone ? 'exited' : `not ready in ${timeoutMs} ms`}: ${proc.output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get log(): string {
    return this.output;
  }

  /** SIGTERM, then the exit code */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
