// A night shift on a 10,000-task simulated farm plus a small real environment: what a shifter
// found missing. The last run and why it ended stay in the environment's header after an ERROR,
// linked to the run's record; a new error counts in the tab title and the navigation until it is
// acknowledged; a killed task's values are labelled stale and it cannot be killed again; a flood
// of 30,000 task events does not push the error out of the Events view (it asks the controller);
// while the console's link is down the page says it is stale and its actions are disabled; and a
// restarted `baton console` signs no open screen out.
import assert from 'node:assert/strict';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { ConsoleProcess, eventually, Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { TasksPage } from './pages/TasksPage.js';
import { NightShift } from './pages/NightShiftPages.js';
import { freePort } from '../support/free-port.js';

const FARM_TASKS = 10_000;

test.describe('a night shift on a 10,000-task farm', () => {
  test.describe.configure({ mode: 'serial', timeout: 900_000 });
  let stack: Stack;
  let consoleProc: ConsoleProcess;
  let listen = '';
  let browser: Browser;
  let page: Page;
  let app: ConsoleApp;
  let shift: NightShift;
  let farmId = '';
  let envId = '';
  let betaId = '';
  let runNumber = 0;

  async function cli(args: string[], timeoutMs = 300_000): Promise<string> {
    const r = await stack.baton(args, timeoutMs);
    assert.equal(r.code, 0, `baton ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    stack = await Stack.up(1, ['--sim-agents', '20', '--sim-tasks', String(FARM_TASKS)], 300_000);
    farmId = (await stack.json<{ id: string }[]>(['env', 'list']))[0]!.id;
    listen = `127.0.0.1:${await freePort()}`;
    consoleProc = await ConsoleProcess.start(stack, ['--listen', listen]);
    browser = playwrightBrowser;
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    app = new ConsoleApp(page, consoleProc.info.url);
    shift = new NightShift(page);
    await app.open(consoleProc.info.openUrl);
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    await consoleProc?.stop();
    const down = await stack?.down();
    assert.equal(down?.code, 0, `local down: ${down?.stderr}`);
  });

  test('counts a new error in the title and the navigation until it is acknowledged', async () => {
    envId = (await stack.json<{ id: string }>(['env', 'create', 'quick'])).id;
    await cli(['env', 'control', envId, 'DEPLOY']);
    await cli(['env', 'control', envId, 'CONFIGURE']);
    const started = await stack.json<{ outcome: { runNumber: number | null } }>(['env', 'control', envId, 'START_ACTIVITY']);
    runNumber = started.outcome.runNumber ?? 0;
    assert.ok(runNumber > 0, 'START_ACTIVITY opened a run');
    const tasks = await stack.json<{ id: string; name: string }[]>(['task', 'list', '--env', envId]);
    betaId = tasks.find((t) => t.name === 'beta')!.id;
    await app.goto(`/envs/${envId}`);
    assert.doesNotMatch(await page.title(), /^\(\d+\)/, 'no error yet');
    await cli(['task', 'kill', betaId]);
    await new EnvironmentPage(page).waitState('ERROR');
    await expect(page, 'the error count in the tab title').toHaveTitle(/^\(\d+\) /);
    await shift.errorBadge.waitFor();
    await app.nav('Events').click();
    await shift.acknowledgeAll.click();
    await expect(page, 'the title without a count').not.toHaveTitle(/^\(\d+\)/);
    assert.equal(await shift.errorBadge.count(), 0, 'no badge once acknowledged');
  });

  test('shows the last run and why it ended after the ERROR, linked to its record', async () => {
    await app.goto(`/envs/${envId}`);
    await shift.lastRunLink(runNumber).waitFor();
    // the tab is titled by the environment's name, not its id
    await expect(page, 'the name in the title').toHaveTitle(/quick/);
    assert.match((await shift.envStatus.textContent()) ?? '', /ended: aborted: /);
    await shift.lastRunLink(runNumber).click();
    await page
      .getByRole('dialog', { name: `Run ${runNumber}` })
      .getByText('End reason')
      .waitFor();
  });

  test("greys a dead task's pid and usage as stale and offers no Kill", async () => {
    await app.goto(`/envs/${envId}/tasks`);
    const drawer = await new TasksPage(page).open('beta');
    await expect.poll(() => drawer.details(), { message: 'the stale label' }).toMatch(/\(stale\)/);
    assert.equal(await drawer.root.getByRole('button', { name: 'Kill task' }).isDisabled(), true, 'Kill is disabled for a dead task');
    await drawer.close();
  });

  test('finds the task killed before a 30,000-event flood with the error filter', async () => {
    await cli(['env', 'control', farmId, 'DEPLOY']);
    await cli(['env', 'control', farmId, 'CONFIGURE']);
    await cli(['env', 'control', farmId, 'RESET']);
    await app.goto('/events');
    await shift.errorsOnly.click();
    const rows = await eventually(
      'the killed task among the errors',
      async () => {
        const r = await shift.eventRows();
        return r.some((x) => x.includes('task.exit') && x.includes('beta')) ? r : null;
      },
      60_000,
    );
    // every time carries its date
    assert.match(rows[0]!, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    await shift.loadOlder.waitFor();
  });

  test('greys the page and disables its actions while the controller is out of reach', async () => {
    await app.goto(`/envs/${envId}`);
    const envPage = new EnvironmentPage(page);
    await envPage.button('RECOVER').waitFor();
    assert.equal(await envPage.button('RECOVER').isEnabled(), true);
    await consoleProc.stop();
    await expect(app.connection, 'the reconnecting badge').toContainText('Reconnecting');
    await shift.staleNote.waitFor();
    assert.equal(await envPage.button('RECOVER').isDisabled(), true, 'no action while the link is down');
    // the console comes back on the same address: the open page is still signed in
    consoleProc = await ConsoleProcess.start(stack, ['--listen', listen]);
    await app.waitLive(60_000);
    assert.equal(await page.getByRole('heading', { name: 'Baton console' }).count(), 0, 'not sent to the sign-in page');
    await expect(shift.staleNote, 'the stale note gone').toHaveCount(0);
    assert.equal(await envPage.button('RECOVER').isEnabled(), true);
  });
});
