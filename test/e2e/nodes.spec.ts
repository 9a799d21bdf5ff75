// The Nodes page in Chromium against a real controller with three sim agents: an admin's console
// searches and sorts the nodes, drains the node an environment uses (confirmed in a dialog) and
// sees the environment still using it, follows the node's name to its tasks, and uncordons it;
// an observer's console shows the same actions disabled.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import * as grpc from '@grpc/grpc-js';
import { startController, type ControllerHandle } from '../../core/controller/main.js';
import { startSimAgents, type AgentHandle } from '../../core/agent/main.js';
import { startGateway, type GatewayHandle } from '../../core/gateway/main.js';
import { ControlClient, type Environment } from '../../core/rpc/gen/control.js';
import { tokenInterceptor } from '../../core/rpc/auth.js';
import { call } from '../integration/controller/harness.js';
import { issueUsers, tokenOf, WORKFLOWS } from '../integration/locks/users.js';
import { expect, test } from './fixtures.js';
import { axeSerious, shot } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { NodesPage } from './pages/NodesPage.js';

const ADMIN_TOKEN = 'nodes-e2e-admin';

test.describe('the Nodes page: search, sort, drain with the environments still using the node', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let home = '';
  let agents: AgentHandle[] = [];
  let controller: ControllerHandle;
  let admin: ControlClient;
  let browser: Browser;
  const gateways: GatewayHandle[] = [];
  let page: Page;
  let nodesPage: NodesPage;
  let env: Environment;
  let busy = '';
  const pageErrors: string[] = [];

  async function openConsole(token: string): Promise<Page> {
    const gateway = await startGateway({ controller: controller.address, token });
    gateways.push(gateway);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    const p = await context.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    const app = new ConsoleApp(p, gateway.url);
    await app.open(gateway.openUrl);
    await app.nav('Nodes').click();
    return p;
  }

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-nodes-'));
    const repo = path.join(home, 'repo');
    for (const [rel, text] of Object.entries(WORKFLOWS)) {
      fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
      fs.writeFileSync(path.join(repo, rel), text);
    }
    fs.mkdirSync(path.join(home, 'sim'), { recursive: true });
    agents = await startSimAgents(3, { home, listen: `unix://${home}/sim`, labels: { sim: 'true' }, portRange: [42000, 42999] });
    controller = await startController({
      home,
      listen: `unix://${home}/controller.sock`,
      agents: agents.map((a) => a.address),
      templateRepos: [repo],
      token: ADMIN_TOKEN,
    });
    await issueUsers(controller.address, ADMIN_TOKEN, { olga: 'observer' });
    admin = new ControlClient(controller.address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(ADMIN_TOKEN)] });
    env = await call<unknown, Environment>(admin, 'createEnvironment', {
      workflow: 'plain',
      vars: {},
      repo: '',
      revision: '',
      owner: 'test',
      autoDeploy: false,
      name: '',
      runType: '',
    });
    busy = env.tasks[0]!.node;
    browser = playwrightBrowser;
    page = await openConsole(ADMIN_TOKEN);
    nodesPage = new NodesPage(page);
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    for (const g of gateways) await g.stop();
    admin?.close();
    await controller?.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    fs.rmSync(home, { recursive: true, force: true });
    assert.deepEqual(pageErrors, [], 'no script error in the console');
  });

  test('searches and sorts the nodes', async () => {
    await expect.poll(async () => (await nodesPage.names()).length, { message: 'three nodes listed' }).toBe(3);
    assert.deepEqual(await nodesPage.names(), ['sim-1', 'sim-2', 'sim-3']);
    await nodesPage.sortBy('Node');
    assert.equal(await nodesPage.sortState('Node'), 'descending');
    assert.deepEqual(await nodesPage.names(), ['sim-3', 'sim-2', 'sim-1']);
    // by tasks, most first: the node the environment uses leads
    await nodesPage.sortBy('Tasks');
    await nodesPage.sortBy('Tasks');
    assert.equal(await nodesPage.sortState('Tasks'), 'descending');
    assert.equal((await nodesPage.names())[0], busy);
    await nodesPage.search('sim-2');
    assert.deepEqual(await nodesPage.names(), ['sim-2']);
    await nodesPage.search('');
    assert.equal((await nodesPage.names()).length, 3);
  });

  test('drains the busy node: confirmed, it shows the environment still using it, and the schedule filter finds it', async () => {
    await nodesPage.act(busy, 'Drain');
    await expect(nodesPage.outcome, 'the drain outcome').toContainText(`Node ${busy} draining: still used by ${env.id}`);
    await expect(nodesPage.usedBy(busy), 'the environment in the row').toContainText(env.id);
    assert.match((await nodesPage.row(busy).textContent()) ?? '', /draining/);
    await nodesPage.filterSchedule('draining');
    assert.deepEqual(await nodesPage.names(), [busy]);
    await shot(page, 'nodes-draining');
    const a11y = await axeSerious(page);
    assert.deepEqual(
      a11y.map((v) => `${v.id}: ${v.help}`),
      [],
      'the Nodes page with a draining node passes axe',
    );
    await nodesPage.filterSchedule('');
  });

  test("follows the node's name to its tasks (the task table filtered by the node)", async () => {
    await nodesPage.row(busy).getByRole('link', { name: busy }).click();
    await page.waitForURL((u) => u.pathname === `/envs/${encodeURIComponent(env.id)}/tasks` && u.searchParams.get('node') === busy);
    await page.goBack();
    await nodesPage.table.waitFor();
  });

  test("an observer's console shows the actions disabled", async () => {
    const observer = new NodesPage(await openConsole(tokenOf('olga')));
    await expect.poll(async () => (await observer.names()).length, { message: 'the nodes in the observer console' }).toBe(3);
    assert.equal(await observer.action(busy, 'Uncordon').isDisabled(), true);
    assert.equal(await observer.action(busy, 'Remove').isDisabled(), true);
    assert.equal(await observer.page.getByRole('button', { name: 'Add node' }).isDisabled(), true);
    await observer.page.context().close();
  });

  test('destroying the environment leaves the node drained; uncordon makes it ready', async () => {
    await call(admin, 'destroyEnvironment', { id: env.id, force: true });
    await expect(nodesPage.row(busy), 'drained').toContainText('drained');
    await nodesPage.act(busy, 'Uncordon');
    await expect(nodesPage.outcome, 'ready').toContainText(`Node ${busy} ready`);
  });
});
