// The load-history plots in Chromium against a real controller (sampling every 500 ms) and two
// real agents running daq-chain: the environment page plots its channel rates, the task drawer its
// task's cpu and memory, the Nodes page the nodes' cpu, memory and load; a page reload shows the
// same history again (it is the controller's, not the page's); the range picker widens the range
// and the choice survives the reload; Pop out opens the task's log in a window of its own.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { startGateway, type GatewayHandle } from '../../core/gateway/main.js';
import type { Environment, Task } from '../../core/rpc/gen/control.js';
import { createEnv, listTasks, mustControl, startStack, TOKEN, type Stack } from '../integration/controller/harness.js';
import { expect, test } from './fixtures.js';
import { axeSerious, shot } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { HistoryPanel, LogPopOutWindow } from './pages/HistoryPages.js';

const MESSAGES = 'Messages per second per channel';

test.describe('load-history plots and the log pop-out', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let stack: Stack;
  let gateway: GatewayHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: ConsoleApp;
  let env: Environment;
  let builder: Task;
  const pageErrors: string[] = [];

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    stack = await startStack({ realAgents: 2, labels: { zone: 'upstream' }, controller: { historySampleMs: 500 } });
    env = await createEnv(stack.client, 'daq-chain', { readouts: '2', rate: '200', payload_bytes: '256' });
    await mustControl(stack.client, env.id, 'DEPLOY');
    await mustControl(stack.client, env.id, 'CONFIGURE');
    await mustControl(stack.client, env.id, 'START_ACTIVITY');
    builder = (await listTasks(stack.client, env.id)).find((t) => t.name === 'builder')!;
    gateway = await startGateway({ controller: stack.ctl.address, token: TOKEN });
    browser = playwrightBrowser;
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    app = new ConsoleApp(page, gateway.url);
    await app.open(gateway.openUrl);
  });

  test.afterAll(async () => {
    // the browser is the worker's: close the context this file opened (the pop-out is in it)
    await context?.close().catch(() => {});
    await gateway?.stop();
    await stack?.stop();
  });

  test('plots the channel rates of the environment, the same after a reload', async () => {
    await app.goto(`/envs/${env.id}`);
    const rates = new HistoryPanel(page, 'Channel rates');
    await rates.waitForData(MESSAGES, 4);
    await rates.waitForData('Bytes per second per channel', 4);
    assert.match(await rates.summary(MESSAGES), /readout-0:out → builder:in: now \d/);
    const rows = await rates.table(MESSAGES);
    assert.equal(rows.length, 4, 'a row per edge in the text alternative');
    const before = await rates.points(MESSAGES);
    await shot(page, 'history-channel-rates');

    await page.reload();
    await app.waitLive();
    // at once the whole history: a page-kept plot would start again from one point
    const after = await rates.waitForData(MESSAGES, before);
    assert.ok(after >= before, `after the reload ${after} points, before ${before}`);
    assert.deepEqual(await axeSerious(page), []);
  });

  test('the range picker widens the range, and the choice survives a reload', async () => {
    const rates = new HistoryPanel(page, 'Channel rates');
    await rates.waitForData(MESSAGES);
    assert.equal(await rates.rangeButton('15 min').getAttribute('aria-pressed'), 'true');
    assert.equal(await rates.spanMs(MESSAGES), 15 * 60_000);
    await rates.pickRange('6 hours');
    await expect.poll(() => rates.spanMs(MESSAGES), { message: 'a 6 hour range' }).toBe(6 * 3_600_000);
    assert.equal(await rates.rangeButton('6 hours').getAttribute('aria-pressed'), 'true');
    await rates.waitForData(MESSAGES, 1);
    await page.reload();
    await app.waitLive();
    await rates.waitForData(MESSAGES, 1);
    assert.equal(await rates.spanMs(MESSAGES), 6 * 3_600_000);
    await rates.pickRange('15 min');
    await expect.poll(() => rates.spanMs(MESSAGES), { message: 'back to 15 minutes' }).toBe(15 * 60_000);
  });

  test("plots a task's cpu and memory in its drawer", async () => {
    await app.goto(`/envs/${env.id}/tasks?task=${builder.id}`);
    const load = new HistoryPanel(page, 'Task load');
    await load.waitForData('Task memory (resident)', 2);
    await load.waitForData('Task CPU (% of one core)', 2);
    assert.match(await load.summary('Task memory (resident)'), /^builder: now \d+(\.\d)? MiB/);
  });

  test("plots the nodes' cpu, memory and load on the Nodes page, in dark theme too", async () => {
    await app.nav('Nodes').click();
    const nodes = new HistoryPanel(page, 'Node load');
    await nodes.waitForData('Memory used per node', 2);
    await nodes.waitForData('CPU per node (% of all cores)', 2);
    await nodes.waitForData('Load average per node (1 min)', 2);
    assert.match(await nodes.summary('Memory used per node'), /node-1: now .*node-2: now/);
    await app.toggleTheme();
    await shot(page, 'history-nodes-dark');
    assert.deepEqual(await axeSerious(page), []);
    await app.toggleTheme();
  });

  test("pops a task's log out into a window of its own", async () => {
    await app.goto(`/envs/${env.id}/tasks?task=${builder.id}`);
    const drawer = page.getByRole('dialog', { name: 'Task builder' });
    await drawer.getByRole('log', { name: 'Log of builder' }).waitFor();
    const [popup] = await Promise.all([context.waitForEvent('page'), drawer.getByRole('button', { name: 'Pop out' }).click()]);
    popup.on('pageerror', (e) => pageErrors.push(`pop-out: ${e.message}`));
    await popup.waitForLoadState();
    const win = new LogPopOutWindow(popup, 'builder');
    assert.equal(new URL(popup.url()).pathname, '/logs/popout');
    assert.equal(new URL(popup.url()).hash, '', 'the token is taken out of the address at once');
    await win.heading.waitFor();
    await expect.poll(() => win.entries.count(), { message: 'the log in the pop-out' }).toBeGreaterThan(0);
    // the viewer alone: no navigation of the console, no Maximize
    assert.equal(await popup.getByRole('navigation', { name: 'Main' }).count(), 0);
    assert.equal(await popup.getByRole('button', { name: 'Maximize' }).count(), 0);
    assert.equal(await popup.title(), 'Log of builder · Baton');
    // a reload of the pop-out keeps working (the token is in its session)
    await popup.reload();
    await expect.poll(() => win.entries.count(), { message: 'the log after reloading the pop-out' }).toBeGreaterThan(0);
    await shot(popup, 'history-log-pop-out');
    await popup.close();
    assert.deepEqual(pageErrors, []);
  });
});
