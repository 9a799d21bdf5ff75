// The console's connection survives the gateway going away: the badge says so, the page keeps
// retrying by itself, and when the gateway is back the event stream resumes after the last seq it
// saw (what happened meanwhile shows up, nothing twice). Uses startGateway in-process so the same
// address and console token can come back.
import assert from 'node:assert/strict';
import type { Browser, Page } from '@playwright/test';
import { startGateway, type GatewayHandle } from '../../core/gateway/main.js';
import { readState } from '../../core/local/state.js';
import { expect, test } from './fixtures.js';
import { eventually, Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EventsPage } from './pages/ViewsPages.js';

test.describe('console connection', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let stack: Stack;
  let gw: GatewayHandle;
  let browser: Browser;
  let page: Page;
  let app: ConsoleApp;
  let envId = '';
  let controller = '';
  let token: string | undefined;
  const TOKEN = 'reconnect-test-console-token';

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    stack = await Stack.up(1);
    const st = readState(stack.home)!;
    controller = st.controller.address;
    token = st.token;
    gw = await startGateway({ controller, token, consoleToken: TOKEN });
    browser = playwrightBrowser;
    page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    app = new ConsoleApp(page, gw.url);
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    await gw?.stop().catch(() => {});
    const down = await stack?.down();
    assert.equal(down?.code, 0, `local down: ${down?.stderr}`);
  });

  test('shows an environment created elsewhere (CLI) as it happens', async () => {
    await app.open(gw.openUrl);
    const env = await stack.json<{ id: string }>(['env', 'create', 'quick']);
    envId = env.id;
    await expect.poll(() => page.getByRole('link', { name: /quick/ }).count(), { message: 'the new environment listed' }).toBeGreaterThan(0);
  });

  test('says it is reconnecting when the gateway goes, and catches up when it is back', async () => {
    const port = new URL(gw.url).port;
    await app.nav('Events').click();
    const events = new EventsPage(page);
    await events.table.waitFor();
    await gw.stop();
    await expect(app.connection, 'the reconnecting badge').toContainText('Reconnecting');
    // meanwhile, the environment moves on
    const r = await stack.baton(['env', 'control', envId, 'DEPLOY']);
    assert.equal(r.code, 0, r.stderr);
    gw = await startGateway({ controller, token, consoleToken: TOKEN, listen: `127.0.0.1:${port}` });
    await app.waitLive(60_000);
    await events.search('DEPLOYED');
    const rows = await eventually(
      'the DEPLOYED state change that happened while away',
      async () => {
        const all = await events.rowsText();
        const hit = all.filter((x) => x.includes('env.state') && x.includes('DEPLOYED'));
        return hit.length ? hit : null;
      },
      30_000,
    );
    assert.equal(rows.length, 1, `once, not twice: ${rows.join(' | ')}`);
    await app.nav('Environments').click();
    await expect(page.getByRole('table'), 'the list showing DEPLOYED').toContainText('DEPLOYED');
  });

  test('asks for a fresh console URL when its token is no longer valid', async () => {
    const port = new URL(gw.url).port;
    await gw.stop();
    gw = await startGateway({ controller, token, listen: `127.0.0.1:${port}` }); // a new token
    await expect
      .poll(() => page.getByRole('heading', { name: 'Baton console' }).count(), { message: 'the not-signed-in page', timeout: 60_000 })
      .toBeGreaterThan(0);
    assert.match((await page.textContent('main')) ?? '', /#token=/);
  });
});
