// A whole lifecycle of a big environment driven from its page (DEPLOY .. EXIT), with the Overview's
// counts and the progress bar sampled throughout (CountsSampler). After each transition the page
// must come to show every task in the state the transition leads to.
import type { Page } from 'playwright-core';
import { eventually } from '../support.js';
import { CountsSampler, violations, type CountsSample } from './CountsSampler.js';
import { EnvironmentPage } from './EnvironmentPage.js';

/** transition, the environment's state after it, its tasks' state after it */
export const FULL_CYCLE: readonly [string, string, string][] = [
  ['DEPLOY', 'DEPLOYED', 'STANDBY'],
  ['CONFIGURE', 'CONFIGURED', 'CONFIGURED'],
  ['START_ACTIVITY', 'RUNNING', 'RUNNING'],
  ['STOP_ACTIVITY', 'CONFIGURED', 'CONFIGURED'],
  ['RESET', 'DEPLOYED', 'STANDBY'],
  ['EXIT', 'DONE', 'DONE'],
];

const CONFIRMED = new Set(['STOP_ACTIVITY', 'EXIT']);

export class FullCycle {
  readonly env: EnvironmentPage;
  readonly sampler: CountsSampler;
  constructor(
    readonly page: Page,
    readonly tasks: number,
  ) {
    this.env = new EnvironmentPage(page);
    this.sampler = new CountsSampler(page);
  }

  /** what the Overview's counts say now (its aria-label), '' when not shown */
  async countsLabel(): Promise<string> {
    return (
      (await this.page
        .locator('.overview .counts[aria-label]')
        .first()
        .getAttribute('aria-label', { timeout: 1000 })
        .catch(() => null)) ?? ''
    );
  }

  /** presses a transition (confirming it), waits for the environment's state, then for all tasks' */
  async step(transition: string, envState: string, taskState: string, timeoutMs: number): Promise<void> {
    // enabled once the page has seen the previous transition end (its last event can trail the
    // tasks' on a loaded machine)
    await this.env.button(transition).click({ timeout: timeoutMs });
    if (CONFIRMED.has(transition)) {
      const dialog = this.page.getByRole('dialog', { name: new RegExp(`^${transition} `) });
      await dialog.waitFor({ timeout: timeoutMs });
      await dialog.getByRole('button', { name: transition, exact: true }).click({ timeout: timeoutMs });
    }
    await this.env.waitState(envState, timeoutMs);
    const all = `${this.tasks} tasks: ${this.tasks} ${taskState}`;
    await eventually(`the Overview showing "${all}"`, async () => (await this.countsLabel()) === all, timeoutMs);
  }

  /** runs the steps with the sampler on; returns the samples (also when a step fails: then it throws with them) */
  async run(steps: readonly [string, string, string][], timeoutMs: number, log?: (line: string) => void): Promise<CountsSample[]> {
    await this.env.tab('Overview').click();
    await eventually('the Overview counts', async () => (await this.countsLabel()) !== '', timeoutMs);
    await this.sampler.start();
    for (const [transition, envState, taskState] of steps) {
      const t0 = Date.now();
      try {
        await this.step(transition, envState, taskState, timeoutMs);
      } catch (e) {
        // say what the page had shown until then too
        const seen = await this.sampler.stop().catch(() => []);
        const wrong = violations(seen, this.tasks);
        throw new Error(
          `${(e as Error).message}\n(${seen.length} samples until then, ${wrong.length} impossible${wrong.length ? `: ${wrong.slice(0, 5).join('; ')}` : ''})`,
        );
      }
      log?.(`${transition}: all ${this.tasks} tasks ${taskState} on the page after ${Date.now() - t0} ms`);
    }
    return this.sampler.stop();
  }
}
