// The desktop app as a user starts it: Playwright's Electron driver launches the app (its core in
// a child process started with Node), the console shows the environments, an environment made
// from the shipped `quick` workflow is deployed with DEPLOY, and quitting takes the local stack
// down. It needs Electron's binary: where that was never downloaded (offline machines, like the
// one this suite is developed on) the test is reported as skipped, saying so (the reason is the
// skip annotation in the report). It drives Electron, not the system Chromium: no fixture here.
import { expect, test } from '@playwright/test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron } from 'playwright-core';
import { localStatus } from '../../core/local/index.js';
import { ROOT } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentsPage } from './pages/EnvironmentsPage.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';

/** Electron's binary, or why there is none. */
function electronBinary(): { path: string } | { missing: string } {
  try {
    const file = createRequire(import.meta.url)('electron') as unknown;
    if (typeof file === 'string' && fs.existsSync(file)) return { path: file };
    return { missing: `the electron package names ${String(file)}, which does not exist` };
  } catch (e) {
    return { missing: `the electron package has no binary (${(e as Error).message.split('\n')[0]}); it is downloaded by its install script` };
  }
}

const electron = electronBinary();
const skip = 'missing' in electron ? `Electron's binary is not installed here: ${electron.missing}` : false;

test('the desktop app launches, shows the environments and deploys one', async () => {
  test.skip(skip !== false, skip || '');
  test.setTimeout(180_000);
  if ('missing' in electron) return;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-desktop-e2e-'));
  const { BATON_CONTROLLER: _controller, BATON_TOKEN: _token, ...inherited } = process.env;
  // the core runs with this Node, the one node_modules (better-sqlite3) was built for
  const app = await _electron.launch({
    executablePath: electron.path,
    args: [ROOT],
    env: { ...inherited, BATON_HOME: home, BATON_NODE: process.execPath } as Record<string, string>,
  });
  try {
    const page = await app.firstWindow();
    const shell = new ConsoleApp(page, page.url());
    await shell.waitLive(60_000);
    assert.equal(await shell.heading(), 'Environments');
    // the window's page runs sandboxed, without Node
    assert.equal(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');

    const create = await new EnvironmentsPage(page).openCreate();
    await create.chooseWorkflow('quick');
    await create.submit();
    await page.waitForURL((u) => /^\/envs\/[^/]+$/.test(u.pathname) && u.pathname !== '/envs/new');
    await new EnvironmentPage(page).transition('DEPLOY', 'DEPLOYED');

    await app.close();
    await expect.poll(async () => (await localStatus({ home })).running, { message: 'the local stack to be down after quitting', timeout: 30_000 }).toBe(false);
  } finally {
    await app.close().catch(() => {});
    fs.rmSync(home, { recursive: true, force: true });
  }
});
