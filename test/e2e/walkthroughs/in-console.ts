// Runs shipped walkthroughs in the console: a local training stack, its console (the gateway) in
// Chromium, and each walkthrough through core/training/runner.ts with the browser trainee, its
// faults and its checks. A walkthrough that no longer matches the console fails its test. Each
// step is pictured when its instructions are shown and when its condition holds, into an ignored
// folder (test-results/walkthroughs/<id>/) that `npm run handbook` turns into docs/handbook/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startGateway, type GatewayHandle } from '../../../core/gateway/main.js';
import { trainingFlagsDir } from '../../../core/local/paths.js';
import { readState } from '../../../core/local/state.js';
import { readUserToken } from '../../../core/local/user.js';
import { connectControl, type ControlConnection } from '../../../core/rpc/control-client.js';
import { runTransition } from '../../../core/cli/progress.js';
import { findWalkthrough } from '../../../core/training/load.js';
import { runWalkthrough } from '../../../core/training/runner.js';
import type { Step } from '../../../core/training/types.js';
import { ConsoleApp } from '../pages/ConsoleApp.js';
import { assertConsoleTestable, launchChromium, ROOT, Stack } from '../support.js';
import { browserTrainee, showEnvironment } from './browser-trainee.js';

export const WALKTHROUGH_SHOTS = process.env.BATON_WALKTHROUGH_SHOTS ?? path.join(ROOT, 'test-results', 'walkthroughs');

/** the shipped walkthroughs' ids, in order */
export function shippedWalkthroughs(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'training'))
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.replace(/\.yaml$/, ''))
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

/** One describe block: a training stack and a console for the given walkthroughs, run in order. */
export function walkthroughsInConsole(title: string, ids: readonly string[]): void {
  assertConsoleTestable();
  describe(title, { timeout: 175_000 }, () => {
    let stack: Stack;
    let browser: Browser;
    let gateway: GatewayHandle;
    let control: ControlConnection;
    let app: ConsoleApp;

    before(async () => {
      stack = await Stack.up(2, ['--training']);
      const state = readState(stack.home)!;
      // the console and the runner act as the same user, as a trainee with one token would
      const token = readUserToken(stack.home) ?? state.token;
      control = connectControl(state.controller.address, { token, client: 'cli' });
      gateway = await startGateway({ controller: state.controller.address, token });
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      app = new ConsoleApp(page, gateway.url);
      await app.open(gateway.openUrl);
    });

    after(async () => {
      await browser?.close().catch(() => {});
      await gateway?.stop().catch(() => {});
      control?.close();
      const down = await stack?.down();
      assert.equal(down?.code, 0, `local down: ${down?.stderr}`);
    });

    for (const id of ids) {
      it(`walkthrough ${id} runs to its end in the console`, async () => {
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
      });
    }
  });
}
