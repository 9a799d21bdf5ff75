// Who the console acts as: a real controller with users, a console gateway per user (as `baton
// console` starts one with the user's token), and Debian's Chromium showing the user and role in
// the header. The gateway forwards the user's identity (WhoAmI answers as that user, client
// `console`), the role applies to what the browser asks, and the per-launch console token still
// guards the gateway.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Browser } from '@playwright/test';
import { startController, type ControllerHandle } from '../../core/controller/main.js';
import { startGateway, whoAmIThroughGateway, type GatewayHandle } from '../../core/gateway/main.js';
import { connectControl } from '../../core/rpc/control-client.js';
import { tempHome } from '../integration/controller/harness.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { test } from './fixtures.js';
import { eventually } from './support.js';

const CONTROLLER_TOKEN = 'identity-e2e-controller-token';

test.describe('the console knows who you are', () => {
  test.describe.configure({ mode: 'serial', timeout: 120_000 });
  let home = '';
  let ctl: ControllerHandle;
  let browser: Browser;
  const gateways = new Map<string, GatewayHandle>();
  const tokens = new Map<string, string>();

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    home = tempHome();
    ctl = await startController({ home, listen: `unix://${home}/controller.sock`, token: CONTROLLER_TOKEN });
    const admin = connectControl(ctl.address, { token: CONTROLLER_TOKEN });
    try {
      tokens.set('sam', (await admin.call('addUser', { name: 'sam', role: 'shifter' })).token);
      tokens.set('olga', (await admin.call('addUser', { name: 'olga', role: 'observer' })).token);
    } finally {
      admin.close();
    }
    for (const [name, token] of tokens) gateways.set(name, await startGateway({ controller: ctl.address, token, listen: '127.0.0.1:0' }));
    browser = playwrightBrowser;
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    for (const gw of gateways.values()) await gw.stop();
    await ctl?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  test('forwards the user the gateway was started for, as the console client', async () => {
    assert.deepEqual(await whoAmIThroughGateway(gateways.get('sam')!), { user: 'sam', role: 'shifter', client: 'console', authenticatedBy: 'user-token' });
    assert.deepEqual(await whoAmIThroughGateway(gateways.get('olga')!), {
      user: 'olga',
      role: 'observer',
      client: 'console',
      authenticatedBy: 'user-token',
    });
    // the user's token never reaches the browser: only the per-launch console token is in the URL
    for (const [name, gw] of gateways) assert.ok(!gw.openUrl.includes(tokens.get(name)!));
  });

  test("applies the user's role to the browser's calls (403 PERMISSION_DENIED), behind the console token", async () => {
    const gw = gateways.get('olga')!;
    const post = (method: string, consoleToken: string | null) =>
      fetch(new URL(`/api/${method}`, gw.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(consoleToken ? { 'x-baton-console-token': consoleToken } : {}) },
        body: JSON.stringify({ workflow: 'quick' }),
      });
    const denied = await post('CreateEnvironment', gw.token);
    assert.equal(denied.status, 403);
    const body = (await denied.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'PERMISSION_DENIED');
    assert.match(body.error.message, /olga is observer/);
    // without the console token, nothing reaches the controller
    const noToken = await post('WhoAmI', null);
    assert.equal(noToken.status, 401);
    // another gateway's console token does not open this one
    assert.equal((await post('WhoAmI', gateways.get('sam')!.token)).status, 401);
  });

  test('shows the user and role in the header of each console', async () => {
    for (const [name, role] of [
      ['sam', 'shifter'],
      ['olga', 'observer'],
    ] as const) {
      const gw = gateways.get(name)!;
      const page = await browser.newPage();
      try {
        const app = new ConsoleApp(page, gw.url);
        await app.open(gw.openUrl);
        const badge = page.getByRole('banner').getByTestId('user-badge');
        const text = await eventually(`the header to name ${name}`, async () => {
          const t = (await badge.count()) ? await badge.textContent() : null;
          return t?.includes(name) ? t : null;
        });
        assert.equal(text.replace(/\s+/g, ' ').trim(), `${name} ${role}`);
      } finally {
        await page.close();
      }
    }
  });
});
