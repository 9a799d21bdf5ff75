// Task logs in the console, on a real local stack and Debian's Chromium: Download saves the whole
// log (not the lines loaded), a crash shows as a marker in the log, the error panel shows the
// crash's last line without scrolling at 1280x800, and a search over every task's log finds a
// line and opens it in its task's log.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { ConsoleProcess, eventually, Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { TasksPage } from './pages/TasksPage.js';
import { ErrorPanel, LogSearchPanel, TaskLogViewer } from './pages/LogPages.js';

const WORKFLOW = `name: logdemo
roles:
  - name: talker
    task: {class: talker}
  - name: crasher
    task: {class: crasher, critical: false}
`;
// 1,500 numbered lines, one line to search for, then quiet
const TALKER = `name: talker
control: basic
command: /bin/sh
args: ["-c", "i=0; while [ $i -lt 1500 ]; do i=$((i+1)); echo \\"line $i of the talker\\"; done; echo 'calibration drift: E2E-NEEDLE-31337'; exec sleep 1000"]
kill: {term: 1s}
`;
// 40 lines of chatter, the reason, and a crash
const CRASHER = `name: crasher
control: basic
command: /bin/sh
args: ["-c", "i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo \\"working $i\\"; done; sleep 1; echo 'fatal: detector link lost'; exit 3"]
kill: {term: 1s}
`;

test.describe('task logs in the console', () => {
  test.describe.configure({ mode: 'serial', timeout: 600_000 });
  let stack: Stack;
  let consoleProc: ConsoleProcess;
  let browser: Browser;
  let page: Page;
  let app: ConsoleApp;
  let envId = '';
  let talkerName = '';
  let crasherName = '';

  test.beforeAll(async ({ browser: playwrightBrowser }) => {
    const repo = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'baton-logs-repo-'));
    fs.mkdirSync(path.join(repo, 'workflows'));
    fs.mkdirSync(path.join(repo, 'tasks'));
    fs.writeFileSync(path.join(repo, 'workflows', 'logdemo.yaml'), WORKFLOW);
    fs.writeFileSync(path.join(repo, 'tasks', 'talker.yaml'), TALKER);
    fs.writeFileSync(path.join(repo, 'tasks', 'crasher.yaml'), CRASHER);
    stack = await Stack.up(1, ['--repo', repo]);
    envId = (await stack.json<{ id: string }>(['env', 'create', 'logdemo', '--repo', repo])).id;
    const r = await stack.baton(['env', 'control', envId, 'DEPLOY']);
    assert.equal(r.code, 0, r.stderr);
    const tasks = await stack.json<{ id: string; name: string; state: string }[]>(['task', 'list', '--env', envId]);
    talkerName = tasks.find((t) => t.id.endsWith('talker'))!.name;
    crasherName = tasks.find((t) => t.id.endsWith('crasher'))!.name;
    await eventually(
      'the crasher to crash',
      async () => {
        const now = await stack.json<{ id: string; state: string }[]>(['task', 'list', '--env', envId]);
        return now.find((t) => t.id.endsWith('crasher'))?.state === 'ERROR';
      },
      60_000,
    );
    consoleProc = await ConsoleProcess.start(stack);
    browser = playwrightBrowser;
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })).newPage();
    app = new ConsoleApp(page, consoleProc.info.url);
    await app.open(consoleProc.info.openUrl);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    await consoleProc?.stop();
    const down = await stack?.down();
    assert.equal(down?.code, 0, `local down: ${down?.stderr}`);
  });

  test('Download saves the whole log, not only the lines loaded', async () => {
    await app.goto(`/envs/${envId}/tasks`);
    const drawer = await new TasksPage(page).open(talkerName);
    const viewer = new TaskLogViewer(drawer);
    await expect(viewer.lines, 'the talker log shown').toContainText('E2E-NEEDLE-31337');
    assert.ok(await viewer.partialNote.isVisible(), 'the viewer says it shows only part of the log');
    const file = await viewer.download();
    const lines = file.text.split('\n').filter((l) => l);
    assert.ok(lines.length > 1000, `the file has ${lines.length} lines`);
    assert.equal(lines[0], 'line 1 of the talker');
    assert.equal(lines[1499], 'line 1500 of the talker');
    assert.equal(lines[1500], 'calibration drift: E2E-NEEDLE-31337');
    await drawer.close();
  });

  test("the crash is marked in the task's log, and the error panel shows its last line without scrolling", async () => {
    const drawer = await new TasksPage(page).open(crasherName);
    const panel = new ErrorPanel(drawer);
    const last = panel.lastLines.getByRole('listitem').last();
    await last.waitFor();
    const items = await panel.lastLines.getByRole('listitem').allTextContents();
    const fatal = items.findIndex((t) => t.includes('fatal: detector link lost'));
    assert.ok(fatal >= 0, `the last lines hold the fatal line: ${items.join(' | ')}`);
    assert.ok(fatal >= items.length - 2, 'the crash is at the bottom');
    assert.ok(await panel.showsWithoutScrolling(panel.lastLines.getByRole('listitem').nth(fatal)), 'the fatal line shows at 1280x800 without scrolling');
    const viewer = new TaskLogViewer(drawer);
    await viewer.marker('Crashed').waitFor({ timeout: 20_000 });
    assert.match((await viewer.marker('Crashed').textContent()) ?? '', /exit code 3/);
    await drawer.close();
  });

  test("a search over every task's log finds the line and opens it in its task's log", async () => {
    const search = new LogSearchPanel(page);
    await search.search('E2E-NEEDLE');
    const hit = search.results.getByRole('listitem');
    await expect(hit, 'one search result').toHaveCount(1);
    assert.match((await hit.textContent()) ?? '', /calibration drift: E2E-NEEDLE-31337/);
    await hit.getByRole('link', { name: talkerName }).click();
    const drawer = new TasksPage(page).drawer(talkerName);
    const viewer = new TaskLogViewer(drawer);
    await expect(viewer.lines, 'the line shown in its task').toContainText('E2E-NEEDLE-31337');
  });
});
