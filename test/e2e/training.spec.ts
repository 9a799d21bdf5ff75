// A walkthrough with a person in the console: the walkthrough leads from the terminal (`baton train
// start`), the trainee presses the transition in the console, the step ends by itself, the
// question is answered at the terminal, and the report is saved. A training stack carries a banner
// on every page; a production stack none.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { startGateway, type GatewayHandle } from '../../core/gateway/main.js';
import { readState } from '../../core/local/state.js';
import { expect, test } from './fixtures.js';
import { ROOT, Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { TrainingBanner } from './pages/TrainingPages.js';

async function consoleOn(stack: Stack, browser: Browser): Promise<{ gw: GatewayHandle; page: Page; app: ConsoleApp }> {
  const st = readState(stack.home)!;
  const gw = await startGateway({ controller: st.controller.address, token: st.token });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const app = new ConsoleApp(page, gw.url);
  await app.open(gw.openUrl);
  return { gw, page, app };
}

test.describe('training in the console', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let training: Stack;
  let browser: Browser;
  const gateways: GatewayHandle[] = [];

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    training = await Stack.up(2, ['--training']);
    browser = playwrightBrowser;
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    for (const gw of gateways) await gw.stop().catch(() => {});
    const down = await training?.down();
    assert.equal(down?.code, 0, `local down: ${down?.stderr}`);
  });

  test('leads a trainee who works in the console through a walkthrough', async () => {
    const { gw, page, app } = await consoleOn(training, browser);
    gateways.push(gw);
    assert.ok(await new TrainingBanner(page).banner.isVisible(), 'the training banner is shown');

    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [path.join(ROOT, 'bin', 'baton.js'), 'train', 'start', '02-take-a-run'], {
      cwd: ROOT,
      env: training.env,
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    try {
      await expect.poll(() => output, { message: 'the first step printed', timeout: 60_000 }).toContain('## Step 1: Start the run');
      await app.nav('Environments').click();
      await page.getByRole('link', { name: /training: Take a run/ }).click();
      const env = new EnvironmentPage(page);
      await env.waitState('CONFIGURED');
      await env.transition('START_ACTIVITY', 'RUNNING');
      const run = await env.runNumber();
      await expect.poll(() => output, { message: 'the question of step 2', timeout: 30_000 }).toContain('Which run did you start?');
      child.stdin.write(`${run}\n`);
      assert.equal(await exited, 0, output);
      assert.match(output, /Take a run \(02-take-a-run\): completed/);
      assert.match(output, /1\. Start the run\s+\S+ \S*\s*0\s+0\s+-/);
    } finally {
      child.kill('SIGKILL');
    }
    const report = JSON.parse((await training.baton(['train', 'report', 'last', '--json'])).stdout) as { outcome: string; scripted: boolean };
    assert.equal(report.outcome, 'completed');
    assert.equal(report.scripted, false);
  });

  test('shows no training banner on a production stack', async () => {
    const prod = await Stack.up(1);
    try {
      const { gw, page } = await consoleOn(prod, browser);
      gateways.push(gw);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).count(), { message: 'the page is live' }).toBeGreaterThan(0);
      assert.equal(await new TrainingBanner(page).banner.count(), 0);
    } finally {
      await prod.down();
    }
  });
});
