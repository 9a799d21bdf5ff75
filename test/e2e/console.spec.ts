// The console end to end, as a shifter uses it: a real local stack (`baton local up --agents 2`),
// `baton console`, Debian's Chromium. Create daq-chain from the form, DEPLOY, CONFIGURE,
// START_ACTIVITY, see the run number and rates, read a task's log, kill a critical task and see
// ERROR naming it, RECOVER, run again, STOP_ACTIVITY, EXIT. Accessibility checked with axe on
// every view; screenshots for the handbook saved to test-results/screenshots/ (`npm run handbook`
// copies them to docs/handbook/img/). On Playwright's runner: a failed step leaves a trace and a
// screenshot in test-results/e2e-artifacts/.
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { axeSerious, type ConsoleProcess, eventually, shot, type Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentsPage } from './pages/EnvironmentsPage.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { GraphPage } from './pages/GraphPage.js';
import { TasksPage } from './pages/TasksPage.js';
import { EventsPage, NodesPage, RunsPage } from './pages/ViewsPages.js';

test.use({ localStack: { agents: 2, viewport: { width: 1400, height: 900 }, colorScheme: 'light', openConsole: false } });

test.describe('operator console on a local stack', () => {
  test.describe.configure({ mode: 'serial', timeout: 240_000 });
  let stack: Stack;
  let consoleProc: ConsoleProcess;
  let page: Page;
  let app: ConsoleApp;
  let envPage: EnvironmentPage;
  let envId = '';
  let firstRun = 0;
  const a11y: Record<string, string[]> = {};
  let pageErrors: string[] = [];

  async function checkA11y(view: string) {
    const v = await axeSerious(page);
    a11y[view] = v.map((x) => `${x.impact} ${x.id}: ${x.help} @ ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  // the stack, `baton console` and the page are the file's worker fixtures (fixtures.ts), which
  // also take them down and check that `baton local down` succeeds
  test.beforeAll(async ({ stack: localStack, consoleProcess, consolePage }) => {
    stack = localStack;
    consoleProc = consoleProcess;
    ({ page, app, errors: pageErrors } = consolePage);
    envPage = new EnvironmentPage(page);
  });

  test('opens with the token from the URL fragment, drops it from the address bar, and is live', async () => {
    await app.open(consoleProc.info.openUrl);
    assert.ok(!page.url().includes('token='), 'the token does not stay in the address bar');
    assert.equal(await app.heading(), 'Environments');
    await checkA11y('environments (empty)');
  });

  test('refuses a bad value in the generated form, then creates daq-chain', async () => {
    const create = await new EnvironmentsPage(page).openCreate();
    await create.chooseWorkflow('daq-chain');
    await create.field(/^Readout tasks/).fill('0');
    await create.submit();
    assert.match((await create.errors.textContent()) ?? '', /Readout tasks: must be at least 1/);
    assert.equal(await create.field(/^Readout tasks/).getAttribute('aria-invalid'), 'true');
    await create.field(/^Readout tasks/).fill('3');
    await create.field('Owner').fill('shifter');
    await checkA11y('create form');
    await shot(page, 'create-environment', true);
    await create.submit();
    await page.waitForURL((u) => /^\/envs\/[^/]+$/.test(u.pathname) && u.pathname !== '/envs/new');
    envId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
    await envPage.waitState('STANDBY');
    assert.deepEqual(await envPage.enabledTransitions(), ['DEPLOY', 'EXIT']);
  });

  test('DEPLOY, CONFIGURE, START_ACTIVITY: a run number and live rates on every channel', async () => {
    await envPage.transition('DEPLOY', 'DEPLOYED');
    await envPage.transition('CONFIGURE', 'CONFIGURED');
    assert.deepEqual(await envPage.enabledTransitions(), ['START_ACTIVITY', 'RESET', 'EXIT']);
    await envPage.transition('START_ACTIVITY', 'RUNNING');
    firstRun = await eventually('a run number', () => envPage.runNumber());
    assert.ok(firstRun > 0);
    const rates = await eventually(
      'non-zero rates on every channel',
      async () => {
        const r = await envPage.channelRates();
        return r.length >= 4 && r.every((x) => x > 0) ? r : null;
      },
      30_000,
    );
    assert.ok(rates.length >= 4);
    await checkA11y('environment running');
    await shot(page, 'environment-running', true);
    await app.nav('Environments').click();
    await new EnvironmentsPage(page).row('daq-chain').waitFor();
    await checkA11y('environments');
    await shot(page, 'environments');
    await page.goBack();
    await envPage.waitState('RUNNING');
  });

  test('draws the dataflow graph with rates on its edges; a node opens its task', async () => {
    await envPage.tab('Graph').click();
    const graph = new GraphPage(page);
    await graph.waitDrawn('readout-0');
    await expect.poll(async () => (await graph.edgeLabels()).some((l) => /^[1-9][\d.]*k? msg\/s/.test(l)), { message: 'rates on the edges' }).toBe(true);
    await checkA11y('graph');
    await shot(page, 'graph');
    await graph.node('builder').click();
    await page.getByRole('dialog', { name: 'Task builder' }).waitFor();
    assert.match(page.url(), /\/graph\?task=/);
  });

  test('shows tasks in the table with their resolution info and follows a log', async () => {
    await page.getByRole('dialog', { name: 'Task builder' }).getByRole('button', { name: 'Close task details' }).click();
    await envPage.tab('Tasks').click();
    const tasks = new TasksPage(page);
    await tasks.grid.waitFor();
    assert.match((await tasks.stateChip('RUNNING').textContent()) ?? '', /RUNNING 6/);
    await tasks.search('readout');
    await expect(tasks.grid.getByRole('row'), 'three readouts listed').toHaveCount(4);
    const drawer = await tasks.open('readout-1');
    const details = await drawer.details();
    assert.match(details, /Nodeagent-\d/);
    assert.match(details, /PID\d+/);
    assert.match(details, /Addresses\s*out tcp:\/\/127\.0\.0\.1:\d+/);
    assert.match(details, /Log file\/.+readout-1\.log/);
    const status = await drawer.findInLog(`run ${firstRun} started`);
    assert.match(status, /Match 1 of 1/);
    await checkA11y('tasks and log');
    await shot(page, 'task-log');
    await drawer.close();
    await tasks.search('');
    await shot(page, 'tasks');
  });

  test('keeps the page, tab and drawer across a reload', async () => {
    const tasks = new TasksPage(page);
    await tasks.open('readout-0');
    await page.reload();
    await app.waitLive();
    await page.getByRole('dialog', { name: 'Task readout-0' }).waitFor();
    assert.equal(await envPage.state(), 'RUNNING');
    assert.equal(await envPage.runNumber(), firstRun);
    await page.getByRole('dialog', { name: 'Task readout-0' }).getByRole('button', { name: 'Close task details' }).click();
  });

  test('a killed critical task puts the environment in ERROR, naming the task; RECOVER brings it back', async () => {
    const list = await stack.json<{ id: string; name: string; critical: boolean }[]>(['task', 'list', '--env', envId]);
    const victim = list.find((t) => t.name === 'readout-1' && t.critical);
    assert.ok(victim, 'readout-1 is a critical task');
    const r = await stack.baton(['task', 'kill', victim.id]);
    assert.equal(r.code, 0, r.stderr);
    await envPage.waitState('ERROR');
    await envPage.tab('Overview').click();
    const why = (await envPage.whyError.textContent()) ?? '';
    assert.match(why, /readout-1/);
    assert.match(why, /SIGKILL|exit/i);
    const toast = app.notifications.getByRole('alert');
    assert.match((await toast.textContent()) ?? '', /is in ERROR.*readout-1/s);
    // ERROR stops data taking (the running tasks get STOP, shown as a GO_ERROR under way); then
    // the way out is RECOVER, or EXIT (which kills what is left)
    await expect.poll(() => envPage.enabledTransitions(), { message: 'RECOVER and EXIT offered once data taking has stopped' }).toEqual(['EXIT', 'RECOVER']);
    await checkA11y('environment in ERROR');
    await shot(page, 'environment-error', true);
    await toast.getByRole('button', { name: /Dismiss/ }).click();
    await envPage.transition('RECOVER', 'DEPLOYED');
    assert.equal(await envPage.whyError.count(), 0);
  });

  test('runs again with a higher run number, then STOP_ACTIVITY and EXIT (each confirmed)', async () => {
    await envPage.transition('CONFIGURE', 'CONFIGURED');
    await envPage.transition('START_ACTIVITY', 'RUNNING');
    const second = await eventually('a new run number', () => envPage.runNumber());
    assert.ok(second > firstRun, `run ${second} after run ${firstRun}`);
    await envPage.button('STOP_ACTIVITY').click();
    const confirm = page.getByRole('dialog', { name: /^STOP_ACTIVITY / });
    assert.match((await confirm.textContent()) ?? '', new RegExp(`run ${second}`));
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await envPage.state(), 'RUNNING', 'cancel changes nothing');
    await envPage.transition('STOP_ACTIVITY', 'CONFIGURED');
    assert.equal(await envPage.runNumber(), null);
    await envPage.transition('EXIT', 'DONE');
    assert.deepEqual(await envPage.enabledTransitions(), []);
  });

  test('lists the runs, with the aborted one and the closed one', async () => {
    await app.nav('Runs').click();
    const runs = new RunsPage(page);
    await runs.table.waitFor();
    const numbers = await eventually('both runs listed', async () => {
      const n = await runs.runNumbers();
      return n.includes(firstRun) && n.length >= 2 ? n : null;
    });
    assert.ok(numbers[0]! > firstRun);
    await checkA11y('runs');
    await shot(page, 'runs');
  });

  test("opens a run's record: who stopped it and why, a comment, and its events", async () => {
    const runs = new RunsPage(page);
    const second = (await runs.runNumbers())[0]!;
    const record = await runs.openRecord(second);
    await expect(record, 'the end reason').toContainText(/End reason\s*stopped by \S+/);
    await record.getByLabel('Add a comment').fill('e2e: beam was stable');
    await record.getByRole('button', { name: 'Comment' }).click();
    await expect(record.getByRole('list'), 'the comment listed').toContainText('e2e: beam was stable');
    assert.equal(await record.getByText('Excluded roles').count(), 1, 'the configuration stays shown after the comment');
    await checkA11y('run record');
    await shot(page, 'run-record');
    const aborted = await runs.openRecord(firstRun);
    await expect(aborted, 'the abort reason').toContainText(/End reason\s*aborted: /);
    await aborted.getByRole('link', { name: 'Events of this run' }).click();
    await page.waitForURL(/\/events\?env=[^&]+&from=\d+&to=\d+/);
    const events = new EventsPage(page);
    await events.table.waitFor();
    await events.kind('run').click();
    // the run's own start and stop, and nothing of the later run
    const rows = await eventually('the run events of the run', async () => {
      const r = await events.rowsText();
      return r.length === 2 ? r : null;
    });
    assert.match(rows[0]!, /run\.stop.*aborted: task/);
    assert.match(rows[1]!, new RegExp(`run\\.start.*run ${firstRun} `));
  });

  test('shows the events timeline, filtered to errors', async () => {
    await app.nav('Events').click();
    const events = new EventsPage(page);
    await events.table.waitFor();
    await events.kind('error').click();
    const rows = await eventually('error events', async () => {
      const r = await events.rowsText();
      return r.some((x) => x.includes('env.state') && x.includes('ERROR')) ? r : null;
    });
    assert.ok(
      rows.every((x) => /ERROR|error|SIGKILL|aborted|killed/i.test(x)),
      rows.join('\n'),
    );
    await checkA11y('events');
    await shot(page, 'events');
    await events.kind('error').click();
  });

  test('shows the nodes with cpu and memory over time', async () => {
    await app.nav('Nodes').click();
    const nodes = new NodesPage(page);
    await nodes.table.waitFor();
    await expect(nodes.table.locator('tbody').getByRole('row'), 'both nodes listed').toHaveCount(2);
    await expect
      .poll(
        () =>
          nodes
            .chart(/CPU per node/)
            .locator('.recharts-line')
            .count(),
        { message: 'cpu samples plotted', timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(2);
    await checkA11y('nodes');
    await shot(page, 'nodes');
  });

  test('has a dark theme and a shortcut cheat sheet', async () => {
    await app.nav('Environments').click();
    await page.locator('body').press('g');
    await page.locator('body').press('r');
    await page.waitForURL(/\/runs$/);
    await app.nav('Environments').click();
    await app.toggleTheme();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await checkA11y('environments (dark)');
    await shot(page, 'environments-dark');
    await page.getByRole('link', { name: 'daq-chain' }).click();
    await envPage.waitState('DONE');
    await checkA11y('environment (dark)');
    await app.nav('Events').click();
    await new EventsPage(page).table.waitFor();
    await checkA11y('events (dark)');
    await app.nav('Environments').click();
    const sheet = await app.openCheatSheet();
    await checkA11y('cheat sheet (dark)');
    await shot(page, 'cheat-sheet');
    await sheet.getByRole('button', { name: 'Close' }).click();
    await app.toggleTheme();
  });

  test('has no serious or critical accessibility violation on any view', () => {
    const bad = Object.entries(a11y).filter(([, v]) => v.length);
    assert.deepEqual(bad, [], bad.map(([k, v]) => `${k}:\n  ${v.join('\n  ')}`).join('\n'));
    assert.ok(Object.keys(a11y).length >= 10, `checked ${Object.keys(a11y).join(', ')}`);
  });

  test('threw no error in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
