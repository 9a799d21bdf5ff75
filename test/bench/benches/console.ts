// 5. Console: a 10,000-task sim environment in Debian's Chromium (playwright-core) through
// `baton console` (the gateway, its own process). Time to first render of the environment page's
// task table and graph (page navigation to the content being on screen, timed in the page), and
// the frame gaps (requestAnimationFrame timestamps in the page) while ~5,000 task events per
// second stream for 10 s; then the page must show every task's final state. Then the same page at
// 150,000 tasks (console-large.ts): first render, and frame gaps while they all change state.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Benchmark, BenchContext, BenchOutput } from '../bench.js';
import { CpuMeter, round } from '../proc.js';
import { startFrameGaps, stopFrameGaps } from '../frame-gaps.js';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from '../profile.js';
import { atMost, figure } from '../results.js';
import { PACKAGE_ROOT, Stack, teardownNotes } from '../stack.js';
import { summarize } from '../stats.js';
import { largeConsole, type LargeConsoleResult } from './console-large.js';

const CHROMIUM = '/usr/bin/chromium';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ConsoleInfo {
  url: string;
  token: string;
  openUrl: string;
}

/** `baton console --json` against the stack, as a user starts it */
async function startConsole(stack: Stack): Promise<{ child: ChildProcess; info: ConsoleInfo; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'baton.js'), 'console', '--json'], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, BATON_HOME: stack.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = await new Promise<ConsoleInfo>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        try {
          resolve(JSON.parse(out.slice(0, nl)) as ConsoleInfo);
        } catch (e) {
          reject(e);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`baton console exited (${code}): ${err}`)));
  });
  return {
    child,
    info,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    },
  };
}

async function waitLive(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
}

/** navigates and returns the page's own time (ms since navigation start) when `ready` resolves */
async function timedLoad(page: Page, url: string, ready: () => Promise<unknown>): Promise<number> {
  await page.goto(url);
  await ready();
  return page.evaluate(() => performance.now());
}

export const consoleBench: Benchmark = {
  name: 'console',
  title: 'Console: a 10,000- and a 150,000-task environment in Chromium, first render and frame gaps under task events',
  async run(ctx: BenchContext): Promise<BenchOutput> {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
    if (!fs.existsSync(path.join(PACKAGE_ROOT, 'dist-renderer', 'index.html'))) throw new Error('dist-renderer/ is missing: npm run build');
    const { chromium } = await import('playwright-core');
    const n = ctx.smoke ? 500 : 10_000;
    const large = ctx.smoke ? 2000 : 150_000;
    const rate = ctx.smoke ? 500 : 5000;
    const streamSeconds = ctx.smoke ? 3 : 10;
    const reps = ctx.smoke ? 1 : 3;
    ctx.load('stack');
    // 150 sim agents: 1,000 tasks each at 150,000 (the farm benchmark's ratio is 500)
    const stack = await Stack.up({ simAgents: ctx.smoke ? 5 : 150 });
    let con: Awaited<ReturnType<typeof startConsole>> | null = null;
    let browser: Browser | null = null;
    const notes: string[] = [];
    const profiles: ProfileSummary[] = [];
    try {
      const c = stack.client;
      const env = await c.create('sim-farm', { tasks: String(n) });
      await c.transition(env.id, 'DEPLOY');
      con = await startConsole(stack);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(con.info.openUrl);
      await waitLive(page);
      const base = con.info.url.replace(/\/$/, '');

      // first render, each view `reps` times (a fresh page load each time)
      ctx.load('first render');
      const tableMs: number[] = [];
      const graphMs: number[] = [];
      for (let i = 0; i < reps; i++) {
        tableMs.push(await timedLoad(page, `${base}/envs/${env.id}/tasks`, () => page.getByText(`${n} of ${n} tasks`).waitFor({ timeout: 60_000 })));
        graphMs.push(
          await timedLoad(page, `${base}/envs/${env.id}/graph`, () =>
            page.getByRole('region', { name: 'Dataflow graph' }).getByRole('button').first().waitFor({ timeout: 60_000 }),
          ),
        );
      }
      ctx.log(`first render: table ${tableMs.map((x) => x.toFixed(0)).join(', ')} ms; graph ${graphMs.map((x) => x.toFixed(0)).join(', ')} ms`);

      // the stream: the task table open, one transition of all n tasks every n/rate seconds
      await page.goto(`${base}/envs/${env.id}/tasks`);
      await page.getByText(`${n} of ${n} tasks`).waitFor({ timeout: 60_000 });
      await waitLive(page);
      const cdp = ctx.profile ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      await startFrameGaps(page);
      ctx.load('stream');
      const seq0 = Number((await c.info()).lastEventSeq);
      const gwCpu = new CpuMeter([con.child.pid!]);
      const ctlCpu = new CpuMeter([stack.controllerPid]);
      const every = (n / rate) * 1000;
      const cycle = ['CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'RESET'];
      const t0 = performance.now();
      let k = 0;
      let state = 'DEPLOYED';
      while (performance.now() - t0 < streamSeconds * 1000) {
        const r = await c.transition(env.id, cycle[k % cycle.length]!);
        state = r.final.state;
        k++;
        const wait = t0 + k * every - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const streamS = (performance.now() - t0) / 1000;
      const events = Number((await c.info()).lastEventSeq) - seq0;
      const cpu = { gateway: gwCpu.read(), controller: ctlCpu.read() };
      const gaps = await stopFrameGaps(page);
      if (cdp) {
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
        profiles.push(
          summarizeProfile(
            profile,
            `console page (Chromium renderer) while ${rate} task events/s stream`,
            path.join(ctx.profileDir, `console-page.cpuprofile`),
            ctx.root,
          ),
        );
      }
      const gs = summarize(gaps, 1);
      ctx.log(`${k} transitions, ${events} events in ${streamS.toFixed(1)} s; frame gaps p50 ${gs.p50} p95 ${gs.p95} max ${gs.max} ms`);

      // the final state on the page: every task and the environment
      const taskState = { CONFIGURED: 'CONFIGURED', RUNNING: 'RUNNING', DEPLOYED: 'STANDBY' }[state] ?? state;
      let finalOk = false;
      const until = Date.now() + 60_000;
      while (!finalOk && Date.now() < until) {
        const chip = await page
          .getByRole('group', { name: 'States' })
          .getByRole('button', { name: new RegExp(`^${taskState} `) })
          .first()
          .textContent()
          .catch(() => '');
        const status = await page
          .getByRole('region', { name: 'Environment status' })
          .textContent()
          .catch(() => '');
        finalOk = new RegExp(`${taskState}\\s*${n}\\b`).test(chip ?? '') && (status ?? '').includes(state);
        if (!finalOk) await sleep(250);
      }
      if (!finalOk) notes.push(`the page did not show the final state (environment ${state}, ${n} tasks ${taskState}) within 60 s`);
      if (pageErrors.length) notes.push(`page errors: ${pageErrors.slice(0, 3).join(' | ')}`);

      await c.transition(env.id, state === 'RUNNING' ? 'STOP_ACTIVITY' : 'EXIT').catch(() => {});
      await c.transition(env.id, 'EXIT').catch(() => {});
      // the same page at 150,000 tasks
      const big: LargeConsoleResult = await largeConsole(ctx, c, page, base, large, reps);
      notes.push(...big.notes);

      await browser.close();
      browser = null;
      await con.stop();
      con = null;
      const d = await stack.down();
      notes.push(...teardownNotes(d));
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
      const ratePerS = round(events / streamS);
      return {
        ok: finalOk && big.finalOk && !d.leftovers.length && !d.swept.length && !pageErrors.length,
        figures: [
          figure('render.table', `first render of the ${n.toLocaleString('en')}-task environment page, task table`, round(med(tableMs) / 1000, 2), 's', {
            target: ctx.smoke ? undefined : atMost(2, '<= 2 s'),
            note: reps > 1 ? `median of ${reps}: ${tableMs.map((x) => round(x / 1000, 2)).join(', ')}` : undefined,
          }),
          figure('render.graph', `first render of the ${n.toLocaleString('en')}-task environment page, graph`, round(med(graphMs) / 1000, 2), 's', {
            target: ctx.smoke ? undefined : atMost(2, '<= 2 s'),
            note: reps > 1 ? `median of ${reps}: ${graphMs.map((x) => round(x / 1000, 2)).join(', ')}` : undefined,
          }),
          figure('frames.p95', `frame gap p95 while ${ratePerS.toLocaleString('en')} events/s stream for ${round(streamS, 1)} s`, gs.p95, 'ms', {
            target: ctx.smoke ? undefined : atMost(50, '<= 50 ms'),
            note: `p50 ${gs.p50} ms, p99 ${gs.p99} ms, max ${gs.max} ms, ${gs.n} frames`,
          }),
          figure('frames.max', 'longest frame gap in that window', gs.max, 'ms'),
          figure(
            'render.table.large',
            `first render of the ${large.toLocaleString('en')}-task environment page, task table`,
            round(med(big.tableMs) / 1000, 2),
            's',
            {
              target: ctx.smoke ? undefined : atMost(2, '<= 2 s'),
              note: reps > 1 ? `median of ${reps}: ${big.tableMs.map((x) => round(x / 1000, 2)).join(', ')}` : undefined,
            },
          ),
          figure(
            'render.graph.large',
            `first render of the ${large.toLocaleString('en')}-task environment page, graph`,
            round(med(big.graphMs) / 1000, 2),
            's',
            {
              target: ctx.smoke ? undefined : atMost(2, '<= 2 s'),
              note: reps > 1 ? `median of ${reps}: ${big.graphMs.map((x) => round(x / 1000, 2)).join(', ')}` : undefined,
            },
          ),
          figure(
            'frames.p95.large',
            `frame gap p95 while ${large.toLocaleString('en')} tasks go CONFIGURE and START_ACTIVITY (${big.transitionsMs.CONFIGURE} + ${big.transitionsMs.START_ACTIVITY} ms)`,
            big.gaps.p95,
            'ms',
            {
              target: ctx.smoke ? undefined : atMost(50, '<= 50 ms'),
              note: `p50 ${big.gaps.p50} ms, p99 ${big.gaps.p99} ms, max ${big.gaps.max} ms, ${big.gaps.n} frames`,
            },
          ),
        ],
        details: {
          tasks: n,
          reps,
          tableMs,
          graphMs,
          stream: { transitions: k, events, seconds: round(streamS, 2), ratePerS, finalState: state, gaps: gs },
          cpu,
          large: big,
        },
        notes: [
          ...notes,
          `first render = page navigation start to the content on screen (\`${n} of ${n} tasks\` in the table; the first node of the graph), timed in the page; each a fresh page load of an authenticated console`,
          `stream: one transition of all ${n.toLocaleString('en')} sim tasks every ${every / 1000} s (${k} transitions, ${events} events, all kinds); the gateway used ${cpu.gateway.cores} cores, the controller ${cpu.controller.cores}`,
          `renderer build: dist-renderer/ of ${fs.statSync(path.join(PACKAGE_ROOT, 'dist-renderer', 'index.html')).mtime.toISOString()}`,
        ],
        profiles: profiles.length ? profiles : undefined,
      };
    } finally {
      await browser?.close().catch(() => {});
      await con?.stop();
      await stack.down();
    }
  },
};
