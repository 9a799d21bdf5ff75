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

  /** refusals retried (the controller's "retry when back" while sim agents are unreachable) */
  readonly retried: string[] = [];

  /** presses a transition (confirming it), waits for the environment's state, then for all tasks'.
   * With `retryUnreachable`, a refusal naming unreachable nodes ("retry when back") is pressed again,
   * as an operator would, until `timeoutMs`; each retry is recorded in `retried`. */
  async step(transition: string, envState: string, taskState: string, timeoutMs: number, retryUnreachable = false): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.press(transition, Math.max(1000, until - Date.now()));
      const outcome = await eventually(
        `${transition} to end`,
        async () => {
          if ((await this.env.state()) === envState) return 'ok';
          const alert = (
            await this.page
              .getByRole('alert')
              .allTextContents()
              .catch(() => [])
          ).join(' ');
          return retryUnreachable && /unreachable.*retry when back/.test(alert) && (await this.env.button(transition).isEnabled()) ? alert : null;
        },
        Math.max(1000, until - Date.now()),
      ).catch(() => null);
      if (outcome === 'ok') break;
      if (outcome === null || Date.now() > until) {
        await this.env.waitState(envState, 1000);
        break;
      }
      this.retried.push(`${transition}: ${outcome.slice(0, 200)}`);
      await this.page
        .getByRole('button', { name: 'Dismiss' })
        .first()
        .click({ timeout: 5000 })
        .catch(() => {});
    }
    const all = `${this.tasks} tasks: ${this.tasks} ${taskState}`;
    await eventually(`the Overview showing "${all}"`, async () => (await this.countsLabel()) === all, Math.max(1000, until - Date.now()));
  }

  private async press(transition: string, timeoutMs: number): Promise<void> {
    // enabled once the page has seen the previous transition end (its last event can trail the
    // tasks' on a loaded machine)
    await this.env.button(transition).click({ timeout: timeoutMs });
    if (CONFIRMED.has(transition)) {
      const dialog = this.page.getByRole('dialog', { name: new RegExp(`^${transition} `) });
      await dialog.waitFor({ timeout: timeoutMs });
      await dialog.getByRole('button', { name: transition, exact: true }).click({ timeout: timeoutMs });
    }
  }

  /** runs the steps with the sampler on; returns the samples (also when a step fails: then it throws with them) */
  async run(steps: readonly [string, string, string][], timeoutMs: number, log?: (line: string) => void, retryUnreachable = false): Promise<CountsSample[]> {
    await this.env.tab('Overview').click();
    await eventually('the Overview counts', async () => (await this.countsLabel()) !== '', timeoutMs);
    await this.sampler.start();
    for (const [transition, envState, taskState] of steps) {
      const t0 = Date.now();
      try {
        await this.step(transition, envState, taskState, timeoutMs, retryUnreachable);
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
