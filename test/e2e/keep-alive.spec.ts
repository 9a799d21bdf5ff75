// Keeping the run alive from the console, end to end: a real local stack (`baton local up`, the
// controller and two agents as processes, the daq-chain demo RUNNING), `baton console`, Debian's
// Chromium. Through the buttons of the Roles section: exclude the non-critical qc role of the
// RUNNING environment and include it back (same run throughout), see that a critical role cannot
// be excluded (its button disabled with the reason; the controller's own refusal of it, asked
// through the gateway, is a structured BAD_INPUT), and see the controller's refusal in the page
// when the role was excluded behind the page's back.
// Then SIGSTOP the agent of a node: the Nodes page shows it SUSPECT with its grace counting down,
// the environment DEGRADED naming it and its tasks UNREACHABLE (not ERROR); after SIGCONT it is UP
// and the environment RUNNING in the same run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { axeSerious, type ConsoleProcess, eventually, type Stack } from './support.js';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { TasksPage } from './pages/TasksPage.js';
import { HealthBanners, NodeHealth, RolesSection } from './pages/KeepAlivePages.js';
import { TOKEN_HEADER } from '../../core/gateway/contract.js';

interface TaskJson {
  id: string;
  name: string;
  state: string;
  node: string;
  pid: number;
}

test.use({ localStack: { agents: 2, viewport: { width: 1400, height: 900 }, openConsole: false } });

test.describe('keeping the run alive from the console', () => {
  test.describe.configure({ mode: 'serial', timeout: 600_000 });
  let stack: Stack;
  let consoleProc: ConsoleProcess;
  let page: Page;
  let app: ConsoleApp;
  let envPage: EnvironmentPage;
  let roles: RolesSection;
  let envId = '';
  let runNumber = 0;
  const stopped: number[] = [];
  let pageErrors: string[] = [];

  async function tasks(): Promise<TaskJson[]> {
    return stack.json<TaskJson[]>(['task', 'list', '--env', envId]);
  }

  async function openEnv(): Promise<void> {
    await app.goto(`/envs/${encodeURIComponent(envId)}`);
    await envPage.waitState('RUNNING');
    await roles.table.waitFor();
  }

  // the stack, `baton console` and the page are the file's worker fixtures (fixtures.ts), which
  // also take them down and check that `baton local down` succeeds
  test.beforeAll(async ({ stack: localStack, consoleProcess, consolePage }) => {
    stack = localStack;
    consoleProc = consoleProcess;
    ({ page, app, errors: pageErrors } = consolePage);
    envPage = new EnvironmentPage(page);
    roles = new RolesSection(page);
    envId = (await stack.json<{ id: string }>(['env', 'create', 'daq-chain'])).id;
    for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) {
      const r = await stack.baton(['env', 'control', envId, t], 120_000);
      assert.equal(r.code, 0, `${t}: ${r.stderr}`);
    }
  });

  test.afterAll(async () => {
    // never leave an agent stopped: local down could not end it
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        /* gone */
      }
    }
  });

  test('offers Exclude on the non-critical qc role only; a critical role says why not', async () => {
    await app.open(consoleProc.info.openUrl);
    await openEnv();
    runNumber = await eventually('a run number', () => envPage.runNumber());
    assert.equal(await roles.button('Exclude', 'qc').isEnabled(), true);
    for (const critical of ['builder', 'sink']) {
      assert.equal(await roles.button('Exclude', critical).isEnabled(), false, `${critical} is critical`);
      assert.equal(await roles.reason('Exclude', critical), 'exclude not possible: it is critical');
    }
    // what the disabled button saves the operator from: the controller refuses it, and the refusal
    // crosses the gateway as a structured value (the page re-throws it as a BatonError)
    const res = await fetch(new URL('/api/ExcludeRole', consoleProc.info.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: consoleProc.info.token },
      body: JSON.stringify({ envId, role: 'builder' }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; message: string; data: Record<string, string> } };
    assert.equal(error.code, 'BAD_INPUT');
    assert.equal(error.data.rule, 'critical');
    assert.match(error.message, /role builder cannot be excluded: it is critical/);
    assert.equal((await tasks()).find((t) => t.name === 'builder')!.state, 'RUNNING', 'the refusal changed nothing');
    const serious = await axeSerious(page);
    assert.deepEqual(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
      'no serious accessibility violation on the environment page with its roles',
    );
  });

  test('excludes qc through its button, after a confirmation, while the run goes on', async () => {
    const dialog = await roles.ask('Exclude', 'qc');
    assert.match((await dialog.textContent()) ?? '', new RegExp(`run ${runNumber} stays open`));
    await roles.confirm(dialog, 'Exclude');
    await roles.done('qc', 'Exclude').waitFor({ timeout: 60_000 });
    await expect.poll(() => roles.state('qc'), { message: 'qc shown as excluded' }).toBe('EXCLUDED');
    assert.equal(await roles.button('Include', 'qc').isEnabled(), true);
    assert.equal(await envPage.state(), 'RUNNING');
    assert.equal(await envPage.runNumber(), runNumber);
    const qc = (await tasks()).find((t) => t.name === 'qc')!;
    assert.equal(qc.state, 'DONE', 'the excluded role has no process left running');
    assert.ok(
      (await tasks()).filter((t) => t.name !== 'qc').every((t) => t.state === 'RUNNING'),
      'the rest keeps running',
    );
  });

  test('includes qc back: it runs again in the same run', async () => {
    const dialog = await roles.ask('Include', 'qc');
    await roles.confirm(dialog, 'Include');
    await roles.done('qc', 'Include').waitFor({ timeout: 60_000 });
    await expect.poll(() => roles.state('qc'), { message: 'qc RUNNING again' }).toBe('RUNNING');
    assert.equal(await envPage.runNumber(), runNumber);
    assert.equal((await tasks()).find((t) => t.name === 'qc')!.state, 'RUNNING');
  });

  test("shows the controller's refusal, field by field, when the role went out behind the page's back", async () => {
    const dialog = await roles.ask('Exclude', 'qc');
    const cli = await stack.baton(['env', 'exclude', envId, 'qc'], 120_000);
    assert.equal(cli.code, 0, cli.stderr);
    await roles.confirm(dialog, 'Exclude');
    const failure = roles.failure('Exclude', 'qc');
    await failure.waitFor({ timeout: 30_000 });
    const text = (await failure.textContent()) ?? '';
    assert.match(text, /BAD_INPUT/);
    assert.match(text, /role qc is already excluded/);
    assert.match(text, /Where\s*role/, 'the fields of the error are shown');
    // the page caught up: the role is excluded and offers Include, which puts it back
    await expect.poll(() => roles.state('qc'), { message: 'qc shown as excluded' }).toBe('EXCLUDED');
    await roles.confirm(await roles.ask('Include', 'qc'), 'Include');
    await roles.done('qc', 'Include').waitFor({ timeout: 60_000 });
    assert.equal(await envPage.state(), 'RUNNING');
  });

  test('shows a node SUSPECT while its agent is stopped, its environment DEGRADED and its tasks UNREACHABLE', async () => {
    const builder = (await tasks()).find((t) => t.name === 'builder')!;
    const state = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8')) as { agents: { name: string; pid: number }[] };
    const agent = state.agents.find((a) => a.name === builder.node);
    assert.ok(agent, `the agent of ${builder.node} in local/state.json`);
    await app.nav('Nodes').click();
    const nodes = new NodeHealth(page);
    await nodes.waitHealth(builder.node, 'UP');
    process.kill(agent.pid, 'SIGSTOP');
    stopped.push(agent.pid);
    const suspect = await nodes.waitHealth(builder.node, 'SUSPECT', 20_000);
    assert.match(suspect.detail, /^silent for \d+s; tasks lost in \d+s unless it is back$/);
    await expect(app.notifications, 'a notice that stays').toContainText(`Node ${builder.node} is SUSPECT`);
    assert.equal((await nodes.health(builder.node === 'agent-1' ? 'agent-2' : 'agent-1')).label, 'UP', 'the other node stays UP');

    await page.goBack();
    await envPage.waitState('RUNNING');
    const banner = new HealthBanners(page).degraded;
    await banner.waitFor({ timeout: 10_000 });
    assert.match((await banner.textContent()) ?? '', new RegExp(`node ${builder.node} is unreachable`));
    await envPage.tab('Tasks').click();
    const table = new TasksPage(page);
    await table.grid.waitFor();
    const unreachable = (await tasks()).filter((t) => t.node === builder.node).length;
    await expect(table.stateChip('UNREACHABLE'), 'its tasks UNREACHABLE').toHaveText(`UNREACHABLE ${unreachable}`);
    assert.equal((await table.stateChip('ERROR').textContent())?.trim(), 'ERROR 0', 'an unreachable task is not shown as failed');

    process.kill(agent.pid, 'SIGCONT');
    stopped.splice(stopped.indexOf(agent.pid), 1);
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await expect(table.stateChip('UNREACHABLE'), 'its tasks reachable again').toHaveText('UNREACHABLE 0');
    assert.equal(await envPage.state(), 'RUNNING');
    assert.equal(await envPage.runNumber(), runNumber, 'the same run');
    await app.nav('Nodes').click();
    await nodes.waitHealth(builder.node, 'UP');
  });

  test('raised no error in the page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
