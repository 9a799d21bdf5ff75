// Two consoles, two users, one environment: the lock conflict as a control room sees it. A real
// controller (with a sim agent) and two console gateways, each dialling the controller with its
// own user's token, in two Chromium browser contexts. Alice (shifter) creates and deploys an
// environment; Erin (expert) sees "Held by alice since ...", presses CONFIGURE and is refused
// naming alice; she takes the environment over with a reason; Alice's console then shows erin as
// the holder and refuses her; the reason is in the Audit view, filtered by user.
//
// The users are real users of the controller (test/integration/locks/users.ts: AddUser by the
// admin token), each console's gateway dialling with its own user's token.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { startController, type ControllerHandle } from '../../core/controller/main.js';
import { startSimAgents, type AgentHandle } from '../../core/agent/main.js';
import { startGateway, type GatewayHandle } from '../../core/gateway/main.js';
import { issueUsers, tokenOf, WORKFLOWS } from '../integration/locks/users.js';

const ADMIN_TOKEN = 'holds-e2e-admin';
import { expect, test } from './fixtures.js';
import { axeSerious, eventually, shot } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentsPage } from './pages/EnvironmentsPage.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { AuditPage, HoldBar } from './pages/HoldAndAuditPages.js';

const REASON = 'alice is off shift; the TPC expert needs it for a pedestal run';

interface Console {
  gateway: GatewayHandle;
  context: BrowserContext;
  page: Page;
  app: ConsoleApp;
  env: EnvironmentPage;
  hold: HoldBar;
}

test.describe('two consoles, two users: holds and the audit trail', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let home = '';
  let agents: AgentHandle[] = [];
  let controller: ControllerHandle;
  let browser: Browser;
  let alice: Console;
  let erin: Console;
  let envId = '';
  const pageErrors: string[] = [];

  async function openConsole(user: string): Promise<Console> {
    const gateway = await startGateway({ controller: controller.address, token: tokenOf(user) });
    const context = await browser.newContext({ viewport: { width: 1300, height: 850 }, colorScheme: 'light' });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${user}: ${e.message}`));
    const app = new ConsoleApp(page, gateway.url);
    await app.open(gateway.openUrl);
    return { gateway, context, page, app, env: new EnvironmentPage(page), hold: new HoldBar(page) };
  }

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-holds-'));
    const repo = path.join(home, 'repo');
    for (const [rel, text] of Object.entries(WORKFLOWS)) {
      fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
      fs.writeFileSync(path.join(repo, rel), text);
    }
    fs.mkdirSync(path.join(home, 'sim'), { recursive: true });
    agents = await startSimAgents(1, { home, listen: `unix://${home}/sim`, labels: { sim: 'true' }, portRange: [41000, 41999] });
    controller = await startController({
      home,
      listen: `unix://${home}/controller.sock`,
      agents: agents.map((a) => a.address),
      templateRepos: [repo],
      token: ADMIN_TOKEN,
    });
    await issueUsers(controller.address, ADMIN_TOKEN);
    browser = playwrightBrowser;
    alice = await openConsole('alice');
    erin = await openConsole('erin');
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    for (const c of [alice, erin]) await c?.gateway.stop();
    await controller?.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    fs.rmSync(home, { recursive: true, force: true });
    assert.deepEqual(pageErrors, [], 'no script error in either console');
  });

  test('alice creates an environment in her console and holds it', async () => {
    const create = await new EnvironmentsPage(alice.page).openCreate();
    await create.chooseWorkflow('plain');
    await create.submit();
    await alice.page.waitForURL((u) => /^\/envs\/[^/]+$/.test(u.pathname) && u.pathname !== '/envs/new');
    envId = decodeURIComponent(new URL(alice.page.url()).pathname.split('/')[2]!);
    await expect.poll(() => alice.hold.text(), { message: 'alice as the holder' }).toMatch(/^Held by alice since/);
    await alice.env.transition('DEPLOY', 'DEPLOYED');
  });

  test("erin's console names the holder, and her CONFIGURE is refused naming alice", async () => {
    await erin.app.goto(`/envs/${encodeURIComponent(envId)}`);
    await erin.env.waitState('DEPLOYED');
    assert.match(await erin.hold.text(), /^Held by alice since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await erin.env.button('CONFIGURE').click();
    const refused = erin.page.getByRole('alert', { name: 'CONFIGURE failed' });
    await refused.waitFor();
    const text = (await refused.textContent()) ?? '';
    assert.match(text, /HELD/);
    assert.match(text, new RegExp(`environment ${envId} is held by alice since`));
    assert.equal(await erin.env.state(), 'DEPLOYED', 'the refused CONFIGURE changed nothing');
    const a11y = await axeSerious(erin.page);
    assert.deepEqual(
      a11y.map((v) => `${v.id}: ${v.help}`),
      [],
      'the environment page with a lock error passes axe',
    );
    await shot(erin.page, 'hold-conflict');
  });

  test('erin takes it over with a reason; both consoles show her as the holder and alice is refused', async () => {
    await erin.hold.takeOver(REASON);
    await expect.poll(() => erin.hold.text(), { message: 'erin as the holder' }).toMatch(/^Held by erin since/);
    await expect.poll(() => alice.hold.text(), { message: "erin as the holder in alice's console" }).toMatch(/^Held by erin since/);
    await erin.env.transition('CONFIGURE', 'CONFIGURED');
    await alice.env.waitState('CONFIGURED');
    await alice.env.button('RESET').click();
    const refused = alice.page.getByRole('alert', { name: 'RESET failed' });
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /held by erin since/);
  });

  test('the Audit view shows the take-over with its reason, and the refused requests', async () => {
    await erin.app.nav('Audit').click();
    const audit = new AuditPage(erin.page);
    await audit.table.waitFor();
    await audit.filterUser('erin');
    const rows = await eventually('the take-over in the audit view', async () => {
      const r = await audit.rows();
      return r.some((cells) => cells[4] === 'TakeEnvironment') && r.every((cells) => cells[1] === 'erin') ? r : null;
    });
    const take = rows.find((cells) => cells[4] === 'TakeEnvironment')!;
    assert.deepEqual(take.slice(1, 4), ['erin', 'expert', 'console']);
    assert.equal(take[6], 'ok');
    assert.match(take[7]!, new RegExp(`reason: ${REASON}`));
    const held = rows.find((cells) => cells[4] === 'ControlEnvironment' && cells[6] === 'HELD');
    assert.ok(held, `erin's refused CONFIGURE: ${JSON.stringify(rows)}`);
    assert.match(held[7]!, /held by alice/);

    await audit.filterUser('alice');
    const aliceRows = await eventually("alice's requests", async () => {
      const r = await audit.rows();
      return r.length && r.every((cells) => cells[1] === 'alice') ? r : null;
    });
    assert.ok(aliceRows.some((cells) => cells[4] === 'ControlEnvironment' && cells[6] === 'HELD' && /held by erin/.test(cells[7]!)));
    assert.ok(aliceRows.some((cells) => cells[4] === 'CreateEnvironment' && cells[6] === 'ok'));
    const a11y = await axeSerious(erin.page);
    assert.deepEqual(
      a11y.map((v) => `${v.id}: ${v.help}`),
      [],
      'the Audit view passes axe',
    );
    await shot(erin.page, 'audit-view');
  });
});
