// The console on a controller that serves mutual TLS: `baton agent` on a unix socket, `baton
// controller` on a loopback tcp port with a certificate from a test CA (openssl), and `baton
// console` given the CLI's --tls-cert/--tls-key/--tls-ca, so that its gateway dials the controller
// over mutual TLS. In Chromium a shifter creates `quick`, DEPLOYs, CONFIGUREs and STARTs it and sees
// RUNNING. Without the client certificate the console cannot reach that controller, and says so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { makeCerts, type Certs } from '../integration/tls/certs.js';
import { test } from './fixtures.js';
import { ConsoleProcess, ForegroundProcess, Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentsPage } from './pages/EnvironmentsPage.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';

const TOKEN = 'mtls-e2e-token';

test.describe('operator console on a controller serving mutual TLS', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let stack: Stack;
  let certs: Certs;
  let agent: ForegroundProcess;
  let controller: ForegroundProcess;
  let controllerAddress = '';
  let consoleProc: ConsoleProcess;
  let browser: Browser;
  let page: Page;
  let tlsFlags: string[] = [];
  let envId = '';

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    stack = new Stack(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-mtls-')));
    certs = makeCerts(stack.home);
    tlsFlags = ['--tls-cert', certs.cli.cert, '--tls-key', certs.cli.key, '--tls-ca', certs.cli.ca];
    const agentAddress = `unix://${stack.home}/agent-1.sock`;
    ({ proc: agent } = await ForegroundProcess.start(
      stack,
      ['agent', '--token', TOKEN, '--name', 'agent-1', '--listen', agentAddress, '--labels', 'zone=upstream'],
      /listening on/,
    ));
    const started = await ForegroundProcess.start(
      stack,
      [
        'controller',
        '--token',
        TOKEN,
        '--listen',
        '127.0.0.1:0',
        '--agent',
        agentAddress,
        '--tls-cert',
        certs.ctl.cert,
        '--tls-key',
        certs.ctl.key,
        '--tls-ca',
        certs.ctl.ca,
      ],
      /controller \S+ listening on (127\.0\.0\.1:\d+)/,
    );
    controller = started.proc;
    controllerAddress = started.match[1]!;
    consoleProc = await ConsoleProcess.start(stack, ['--controller', controllerAddress, '--token', TOKEN, ...tlsFlags]);
    browser = playwrightBrowser;
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    await consoleProc?.stop();
    // the tasks go with their environment (the CLI over mutual TLS too); an agent stopped by a
    // signal leaves its tasks running for the next agent to adopt
    if (envId) {
      const r = await stack.baton(['env', 'destroy', envId, '--force', '--controller', controllerAddress, '--token', TOKEN, ...tlsFlags], 120_000);
      assert.equal(r.code, 0, `env destroy: ${r.stdout}${r.stderr}`);
    }
    await controller?.stop();
    await agent?.stop();
    if (stack) fs.rmSync(stack.home, { recursive: true, force: true });
  });

  test("creates, DEPLOYs, CONFIGUREs and STARTs an environment through the gateway's mTLS connection", async () => {
    const app = new ConsoleApp(page, consoleProc.info.url);
    await app.open(consoleProc.info.openUrl);
    await app.waitLive();
    const create = await new EnvironmentsPage(page).openCreate();
    await create.chooseWorkflow('quick');
    await create.submit();
    await page.waitForURL((u) => /^\/envs\/[^/]+$/.test(u.pathname) && u.pathname !== '/envs/new');
    envId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
    const envPage = new EnvironmentPage(page);
    await envPage.waitState('STANDBY');
    await envPage.transition('DEPLOY', 'DEPLOYED');
    await envPage.transition('CONFIGURE', 'CONFIGURED');
    await envPage.transition('START_ACTIVITY', 'RUNNING');
    assert.ok((await envPage.runNumber())! > 0, 'a run number');

    // what the console showed is what the controller holds (asked by the CLI, over mTLS too)
    const shown = await stack.json<{ id: string; state: string }>(['env', 'show', envId, '--controller', controllerAddress, '--token', TOKEN, ...tlsFlags]);
    assert.equal(shown.state, 'RUNNING');
  });

  test('without the client certificate the console cannot reach that controller, and the API says why', async () => {
    const plain = await ConsoleProcess.start(stack, ['--controller', controllerAddress, '--token', TOKEN]);
    try {
      const r = await fetch(new URL('/api/ListEnvironments', plain.info.url), {
        method: 'POST',
        body: '{}',
        headers: { 'Content-Type': 'application/json', 'x-baton-console-token': plain.info.token },
      });
      const body = (await r.json()) as { error?: { code: string } };
      assert.equal(r.status, 503);
      assert.equal(body.error?.code, 'UNAVAILABLE');
    } finally {
      await plain.stop();
    }
  });
});
