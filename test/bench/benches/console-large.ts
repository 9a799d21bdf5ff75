// 5b. Console at 150,000 tasks, next to the 10,000 of console.ts, on the same stack and page: first
// render of the environment page (task table, graph; a fresh page load each, timed in the page) and
// the frame gaps while the whole environment goes DEPLOYED -> CONFIGURED -> RUNNING (300,000 task
// events at the controller's own pace) with the task table open; then the page must show every
// task's final state.
import type { Page } from 'playwright-core';
import type { BenchContext } from '../bench.js';
import type { BenchClient } from '../client.js';
import { round } from '../proc.js';
import { startFrameGaps, stopFrameGaps } from '../frame-gaps.js';
import { summarize, type Summary } from '../stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LargeConsoleResult {
  tasks: number;
  createMs: number;
  deployMs: number;
  tableMs: number[];
  graphMs: number[];
  transitionsMs: Record<string, number>;
  gaps: Summary;
  finalOk: boolean;
  notes: string[];
}

async function timedLoad(page: Page, url: string, ready: () => Promise<unknown>): Promise<number> {
  await page.goto(url);
  await ready();
  return page.evaluate(() => performance.now());
}

export async function largeConsole(ctx: BenchContext, client: BenchClient, page: Page, base: string, n: number, reps: number): Promise<LargeConsoleResult> {
  const notes: string[] = [];
  ctx.load(`create ${n}`);
  const t0 = performance.now();
  const env = await client.create('sim-farm', { tasks: String(n) }, 900_000);
  const createMs = performance.now() - t0;
  const deployMs = (await client.transition(env.id, 'DEPLOY', 900_000)).ms;
  ctx.log(`${n} tasks created in ${round(createMs)} ms, deployed in ${round(deployMs)} ms`);

  ctx.load(`first render ${n}`);
  const tableMs: number[] = [];
  const graphMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    tableMs.push(await timedLoad(page, `${base}/envs/${env.id}/tasks`, () => page.getByText(`${n} of ${n} tasks`).waitFor({ timeout: 120_000 })));
    graphMs.push(
      await timedLoad(page, `${base}/envs/${env.id}/graph`, () =>
        page.getByRole('region', { name: 'Dataflow graph' }).getByRole('button').first().waitFor({ timeout: 120_000 }),
      ),
    );
  }
  ctx.log(`first render at ${n}: table ${tableMs.map((x) => x.toFixed(0)).join(', ')} ms; graph ${graphMs.map((x) => x.toFixed(0)).join(', ')} ms`);

  // frame gaps: the table open while all n tasks go through two transitions
  await page.goto(`${base}/envs/${env.id}/tasks`);
  await page.getByText(`${n} of ${n} tasks`).waitFor({ timeout: 120_000 });
  await startFrameGaps(page);
  ctx.load(`transitions ${n}`);
  const transitionsMs: Record<string, number> = {};
  for (const t of ['CONFIGURE', 'START_ACTIVITY']) transitionsMs[t] = round((await client.transition(env.id, t, 900_000)).ms);
  // the page must follow: every task RUNNING on the table's state chip
  let finalOk = false;
  const until = Date.now() + 120_000;
  while (!finalOk && Date.now() < until) {
    const chip = await page
      .getByRole('group', { name: 'States' })
      .getByRole('button', { name: /^RUNNING / })
      .first()
      .textContent()
      .catch(() => '');
    finalOk = new RegExp(`RUNNING\\s*${n}\\b`).test(chip ?? '');
    if (!finalOk) await sleep(250);
  }
  const gaps = await stopFrameGaps(page);
  if (!finalOk) notes.push(`the page did not show all ${n} tasks RUNNING within 120 s of START_ACTIVITY's end`);
  const gs = summarize(gaps, 1);
  ctx.log(
    `${n}: CONFIGURE ${transitionsMs.CONFIGURE} ms, START_ACTIVITY ${transitionsMs.START_ACTIVITY} ms; frame gaps p50 ${gs.p50} p95 ${gs.p95} max ${gs.max} ms`,
  );
  for (const t of ['STOP_ACTIVITY', 'EXIT']) await client.transition(env.id, t, 900_000).catch((e) => notes.push(`${t} at ${n}: ${(e as Error).message}`));
  return { tasks: n, createMs, deployMs, tableMs, graphMs, transitionsMs, gaps: gs, finalOk, notes };
}
