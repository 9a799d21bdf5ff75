// Runs shipped walkthroughs in the console: a local training stack, its console (the gateway) in
// Chromium, and each walkthrough through core/training/runner.ts with the browser trainee, its
// faults and its checks. A walkthrough that no longer matches the console fails its test. Each
// step is pictured when its instructions are shown and when its condition holds, into an ignored
// folder (test-results/walkthroughs/<id>/) that `npm run handbook` turns into docs/handbook/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { startGateway, type GatewayHandle } from '../../../core/gateway/main.js';
import { trainingFlagsDir } from '../../../core/local/paths.js';
import { readState } from '../../../core/local/state.js';
import { readUserToken } from '../../../core/local/user.js';
import { connectControl, type ControlConnection } from '../../../core/rpc/control-client.js';
import { runTransition } from '../../../core/cli/progress.js';
import { findWalkthrough, loadWalkthroughs } from '../../../core/training/load.js';
import { runWalkthrough } from '../../../core/training/runner.js';
import type { Step } from '../../../core/training/types.js';
import { ConsoleApp } from '../pages/ConsoleApp.js';
import { ROOT, type Stack } from '../support.js';
import { browserTrainee, showEnvironment } from './browser-trainee.js';

export const WALKTHROUGH_SHOTS = process.env.BATON_WALKTHROUGH_SHOTS ?? path.join(ROOT, 'test-results', 'walkthroughs');

/** the shipped walkthroughs' ids, in order: those on a stack of one controller (walkthroughs-1..4),
 *  or with `cluster` those whose stack is a fail-over cluster (walkthroughs-5, its own stack) */
export function shippedWalkthroughs(which: { cluster?: boolean } = {}): string[] {
  // a walkthrough with lint problems stays in the first list: its test fails, naming them
  return loadWalkthroughs(path.join(ROOT, 'training'))
    .filter((l) => (l.walkthrough?.stack.controllers ?? 1) > 1 === !!which.cluster)
    .map((l) => path.basename(l.walkthrough?.file ?? l.diagnostics[0]!.file).replace(/\.ya?ml$/, ''))
    .sort();
}

const quiet = { update() {}, line() {}, end() {} };

async function picture(page: Page, id: string, index: number, phase: string): Promise<void> {
  const dir = path.join(WALKTHROUGH_SHOTS, id);
  fs.mkdirSync(dir, { recursive: true });
  // let the page catch up with what just happened (a state, a dialog closing)
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(dir, `step-${index + 1}-${phase}.png`) });
}

/** each walkthrough may take up to ~2 min on a loaded machine: its test's timeout (the config's is 180 s) */
export const WALKTHROUGH_TIMEOUT_MS = 240_000;

/** The set-up a walkthroughs-N.spec.ts file shares between its tests (its beforeAll opens it on the
 *  fixtures' training stack, its afterAll closes it): the console as a gateway of its own, dialling
 *  with the user's token, in a page of the worker's Chromium, and the runner's control connection.
 *  The tests are declared in the spec files themselves, so that a file filter (`npx playwright
 *  test walkthroughs-`) selects them: Playwright filters by where test() is called. */
export class WalkthroughConsole {
  private constructor(
    private readonly stack: Stack,
    private readonly context: BrowserContext,
    private readonly gateway: GatewayHandle,
    private readonly control: ControlConnection,
    private readonly app: ConsoleApp,
  ) {}

  static async open(stack: Stack, browser: Browser): Promise<WalkthroughConsole> {
    const state = readState(stack.home)!;
    // the console and the runner act as the same user, as a trainee with one token would
    const token = readUserToken(stack.home) ?? state.token;
    const control = connectControl(state.controller.address, { token, client: 'cli' });
    const gateway = await startGateway({ controller: state.controller.address, token });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const app = new ConsoleApp(page, gateway.url);
    await app.open(gateway.openUrl);
    return new WalkthroughConsole(stack, context, gateway, control, app);
  }

  /** Runs the walkthrough to its end with the browser trainee and asserts what its test checks. */
  async run(id: string): Promise<void> {
    const { stack, control, app } = this;
    const walkthrough = findWalkthrough(path.join(ROOT, 'training'), id);
    fs.rmSync(path.join(WALKTHROUGH_SHOTS, id), { recursive: true, force: true });
    const said: string[] = [];
    let envId = '';
    const report = await runWalkthrough({
      control,
      walkthrough,
      target: { control, home: stack.home, flagsDir: trainingFlagsDir(stack.home) },
      transition: (env, name) => runTransition(control, env, name, { view: quiet }).then(() => undefined),
      io: {
        say: (text) => {
          said.push(text);
          envId ||= /^environment (\S+)/m.exec(text)?.[1] ?? '';
        },
      },
      scripted: true,
      perform: browserTrainee(app),
      onStep: async (phase: 'start' | 'done', index: number, _step: Step) => {
        // each step starts on its environment's page, where the instructions lead
        if (phase === 'start' && index === 0) await showEnvironment(app, envId);
        await picture(app.page, id, index, phase);
      },
      trainee: 'browser trainee',
    });
    assert.equal(report.outcome, 'completed', `${id}: ${report.reason}\n${said.join('\n')}`);
    assert.ok(report.steps.every((s) => s.completed));
    assert.deepEqual(
      report.steps.flatMap((s) => s.wrongActions.map((w) => w.what)),
      [],
      'the trainee does only what each step allows',
    );
    const declared = walkthrough.steps.reduce((n, s) => n + (s.faults?.length ?? 0), 0);
    assert.equal(
      report.steps.reduce((n, s) => n + s.faults.length, 0),
      declared,
      'every fault of the walkthrough was injected',
    );
    const envs = await control.call('listEnvironments', {});
    assert.equal(envs.environments.filter((e) => e.id === report.envId).length, 0, 'its environment is destroyed at the end');
  }

  /** Closes the page's context, the gateway and the connection (the fixtures take the stack down). */
  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await this.gateway.stop().catch(() => {});
    this.control.close();
  }
}
