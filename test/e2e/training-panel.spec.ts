// Training from the console (docs/training.md, "In the console"): a trainee starts a walkthrough
// on the Training page, the side panel leads them while they press the console's own buttons, a
// fault is injected and shown, a hint appears, a disallowed transition is reported as a wrong
// action, and the trainer finds the report on the Training page. The panel is told, not polling:
// it follows the session's stream, and the step changes with no request of the page's. On a
// production stack the page and the gateway's training routes refuse to start anything.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { TOKEN_HEADER } from '../../core/gateway/contract.js';
import { startGateway, type GatewayHandle } from '../../core/gateway/main.js';
import type { TrainingSessionState } from '../../core/gateway/training/contract.js';
import { readState } from '../../core/local/state.js';
import { expect, test } from './fixtures.js';
import { axeSerious, eventually, shot, Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { TrainingPage, TrainingPanel } from './pages/TrainingPages.js';

// the test's own walkthrough (the shipped ones give hints after 45 s or more): a hint after 1 s
// in step 1, a fault in step 2, a question answered in the panel
const WALKTHROUGH = `title: Start a run and note a crash
audience: shifter
summary: Start the run; a non-critical task crashes; name it.
stack:
  workflow: training-demo
  start_at: CONFIGURED
steps:
  - title: Start the run
    instructions: Press **START_ACTIVITY** in the environment's header.
    allowed: [START_ACTIVITY]
    hints:
      - {after: 1s, text: "START_ACTIVITY is among the transition buttons."}
    done: {env: {state: RUNNING, run: open}}
    trainee:
      - transition: START_ACTIVITY
  - title: Note the crash
    instructions: Watch the task table. When gamma has been restarted, type its name.
    allowed: []
    faults:
      - {after: 1s, kill_task: {role: gamma}}
    done:
      all:
        - {task: {role: gamma, restarted: true}}
        - {answer: {question: "Which task was restarted?", expect: "gamma"}}
    trainee:
      - wait_for: {task: {role: gamma, restarted: true}}
      - answer: gamma
debrief: A restarted non-critical task does not change the plan; it goes in the **e-log**.
`;

/** What the page asked of the gateway's training host: its requests and its WebSockets (paths). */
interface TrainingTraffic {
  requests: string[];
  sockets: string[];
}

async function consoleOn(
  stack: Stack,
  browser: Browser,
  walkthroughDir?: string,
): Promise<{ gw: GatewayHandle; page: Page; app: ConsoleApp; traffic: TrainingTraffic }> {
  const st = readState(stack.home)!;
  const gw = await startGateway({ controller: st.controller.address, token: st.token, training: { home: stack.home, walkthroughDir } });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const traffic: TrainingTraffic = { requests: [], sockets: [] };
  page.on('request', (r) => {
    const at = new URL(r.url()).pathname;
    if (at.startsWith('/api/training/')) traffic.requests.push(at.slice('/api/training/'.length));
  });
  page.on('websocket', (ws) => traffic.sockets.push(new URL(ws.url()).pathname));
  const app = new ConsoleApp(page, gw.url);
  await app.open(gw.openUrl);
  return { gw, page, app, traffic };
}

async function trainingPost(
  gw: GatewayHandle,
  method: string,
  body: unknown,
): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const r = await fetch(new URL(`/api/training/${method}`, gw.url), {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: gw.token },
  });
  return { status: r.status, body: (await r.json()) as never };
}

// the training stack: `baton local up --agents 2 --training` (the fixtures' stack)
test.use({ localStack: { extra: ['--training'] } });

test.describe('training from the console', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let training: Stack;
  let browser: Browser;
  let dir: string;
  const gateways: GatewayHandle[] = [];

  test.beforeAll(async ({ stack, browser: playwrightBrowser }) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-walkthroughs-'));
    fs.writeFileSync(path.join(dir, '90-console-test.yaml'), WALKTHROUGH);
    training = stack;
    browser = playwrightBrowser;
  });

  test.afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close().catch(() => {});
    for (const gw of gateways) await gw.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('leads a trainee through a walkthrough in the side panel and lists the report for the trainer', async () => {
    const { gw, page, app, traffic } = await consoleOn(training, browser, dir);
    gateways.push(gw);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click();
    const trainingPage = new TrainingPage(page);
    await trainingPage.heading.waitFor();
    await trainingPage.start('Start a run and note a crash', 'ana');

    const panel = new TrainingPanel(page);
    await panel.waitStep(1);
    assert.match((await panel.check.textContent()) ?? '', /Waiting for: .*RUNNING/);
    assert.match((await panel.root.textContent()) ?? '', /Press START_ACTIVITY in the environment's header/);
    await expect(panel.hints, 'the hint of step 1').toContainText('START_ACTIVITY is among the transition buttons');

    // the trainee works in the console with the panel open beside it; a wrong press first
    await app.nav('Environments').click();
    await page.getByRole('link', { name: /training: Start a run and note a crash/ }).click();
    const env = new EnvironmentPage(page);
    await env.waitState('CONFIGURED');
    await env.transition('RESET', 'DEPLOYED');
    await env.transition('CONFIGURE', 'CONFIGURED');
    const asked = traffic.requests.length;
    await env.transition('START_ACTIVITY', 'RUNNING');

    // the live condition holds: the panel moves on, told by the stream, with no request of its own
    await panel.waitStep(2);
    await panel.waitLog('a fault was injected: kill -9 task gamma');
    assert.deepEqual(traffic.requests.slice(asked), [], 'no training request while the step changed');
    // readable and labelled in both themes (axe checks contrast too)
    for (const theme of ['light', 'dark']) {
      assert.deepEqual(await axeSerious(page), [], `axe, ${theme} theme`);
      await shot(page, `training-panel-${theme}`);
      await app.toggleTheme();
    }
    // the answer holds once gamma has been restarted: answer until the step is done
    await eventually(
      'step 2 done',
      async () => {
        if ((await panel.root.textContent())?.includes('ended: completed')) return true;
        if (await panel.answerField('Which task was restarted?').isVisible()) await panel.answer('Which task was restarted?', 'gamma');
        return false;
      },
      60_000,
    );
    await panel.report.waitFor();
    const report = (await panel.report.textContent()) ?? '';
    assert.match(report, /completed/);
    assert.match(report, /1 hint used/);
    assert.match(report, /2 wrong actions/);
    assert.match(report, /pressed RESET \(this step expects START_ACTIVITY\)/);
    assert.match((await panel.debrief.textContent()) ?? '', /goes in the e-log/);
    await panel.waitLog('wrong action: pressed RESET');
    // the whole walkthrough: the session was followed on its stream, never asked for again and again
    assert.ok(traffic.sockets.includes('/ws/training/WatchSession'), `the session stream was opened: ${traffic.sockets.join(', ')}`);
    assert.deepEqual(
      traffic.requests.filter((method) => method === 'GetSession'),
      [],
      `no session polling: ${traffic.requests.join(', ')}`,
    );
    const calls = new Map<string, number>();
    for (const method of traffic.requests) calls.set(method, (calls.get(method) ?? 0) + 1);
    assert.equal(calls.get('StartSession'), 1);
    assert.ok((calls.get('AnswerQuestion') ?? 0) <= 2, `answers: ${calls.get('AnswerQuestion')}`);

    // the trainer's list
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click();
    await expect.poll(() => trainingPage.reportRow('ana').count(), { message: 'the report listed' }).toBeGreaterThan(0);
    const row = (await trainingPage.reportRow('ana').textContent()) ?? '';
    assert.match(row, /Start a run and note a crash/);
    assert.match(row, /completed/);
    const opened = await trainingPage.openReport('ana', 'Start a run and note a crash');
    await shot(page, 'training-reports');
    const steps = opened.getByRole('table');
    assert.match((await steps.getByRole('row', { name: /1\. Start the run/ }).textContent()) ?? '', /1\s*2\s*–/);
    assert.match((await steps.getByRole('row', { name: /2\. Note the crash/ }).textContent()) ?? '', /kill -9 task gamma/);

    // and the same report is the CLI's
    const saved = JSON.parse((await training.baton(['train', 'report', 'last', '--json'])).stdout) as { trainee: string; outcome: string; scripted: boolean };
    assert.deepEqual([saved.trainee, saved.outcome, saved.scripted], ['ana', 'completed', false]);
  });

  test('stops a walkthrough from the panel: the step is not done, the environment is destroyed', async () => {
    const { gw, page } = await consoleOn(training, browser, dir);
    gateways.push(gw);
    const trainingPage = new TrainingPage(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click();
    await trainingPage.start('Start a run and note a crash', 'bo');
    const panel = new TrainingPanel(page);
    await panel.waitStep(1);
    // one session per stack
    const second = await trainingPost(gw, 'StartSession', { walkthrough: '90-console-test', trainee: 'cy' });
    assert.equal(second.status, 409);
    assert.equal(second.body.error?.code, 'BUSY');
    await panel.stopButton.click();
    await panel.report.waitFor({ timeout: 60_000 });
    assert.match((await panel.report.textContent()) ?? '', /stopped/);
    assert.match((await panel.root.textContent()) ?? '', /Start the run \(not done\)/);
    const { body } = await trainingPost(gw, 'GetSession', {});
    const session = body.session as TrainingSessionState;
    const envs = await training.json<{ id: string }[]>(['env', 'list']);
    assert.ok(!envs.some((e) => e.id === session.envId), 'the walkthrough environment is destroyed');
    const answer = await trainingPost(gw, 'AnswerQuestion', { answer: 'x' });
    assert.equal(answer.body.error?.code, 'NOT_FOUND');
  });

  test('refuses to start anything on a production stack, on the page and at the gateway', async () => {
    const prod = await Stack.up(1);
    try {
      const { gw, page, app } = await consoleOn(prod, browser, dir);
      gateways.push(gw);
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).count(), 0, 'no Training link');
      await app.goto('/training');
      const trainingPage = new TrainingPage(page);
      await trainingPage.refusal.waitFor();
      assert.match((await trainingPage.refusal.textContent()) ?? '', /not a training stack/);
      assert.equal(await trainingPage.startButton.isDisabled(), true);
      assert.equal(await trainingPage.walkthrough('Start a run and note a crash').isDisabled(), true);

      const started = await trainingPost(gw, 'StartSession', { walkthrough: '90-console-test', trainee: 'eve' });
      assert.equal(started.status, 403);
      assert.equal(started.body.error?.code, 'PERMISSION_DENIED');
      assert.match(started.body.error?.message ?? '', /not a training stack/);
      const envs = await prod.json<unknown[]>(['env', 'list']);
      assert.equal(envs.length, 0, 'nothing was created');
      const bad = await trainingPost(gw, 'StartSession', { walkthrough: 7 });
      assert.equal(bad.body.error?.code, 'BAD_INPUT');
    } finally {
      await prod.down();
    }
  });
});
