// What a trainee and a trainer see of training in the console: the banner of a training stack,
// the Training page (choose and start a walkthrough, the saved reports) and the side panel that
// leads a running walkthrough.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../support.js';

export class TrainingBanner {
  constructor(readonly page: Page) {}

  get banner(): Locator {
    return this.page.getByRole('status', { name: 'Training stack' });
  }
}

/** The Training page (/training): walkthroughs to start, saved reports for the trainer. */
export class TrainingPage {
  constructor(readonly page: Page) {}

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'Training' });
  }

  /** the page's refusal on a stack that is not for training */
  get refusal(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'No walkthrough can start here' });
  }

  get startButton(): Locator {
    return this.page.getByRole('button', { name: 'Start the walkthrough' });
  }

  walkthrough(title: string): Locator {
    return this.page.getByRole('radio', { name: title });
  }

  async start(title: string, trainee: string): Promise<void> {
    await this.walkthrough(title).check();
    await this.page.getByLabel('Trainee').fill(trainee);
    await this.startButton.click();
  }

  get reports(): Locator {
    return this.page.getByRole('table', { name: 'Saved reports' });
  }

  reportRow(trainee: string): Locator {
    return this.reports.getByRole('row').filter({ hasText: trainee });
  }

  /** opens one saved report; resolves with its region (per-step table, wrong actions) */
  async openReport(trainee: string, title: string): Promise<Locator> {
    await this.page.getByRole('button', { name: `Open the report of ${trainee}, ${title}` }).click();
    // the page's own copy (the side panel of the session just ended shows the same report)
    const region = this.page.getByRole('main').getByRole('region', { name: `Report: ${title}, ${trainee}` });
    await region.waitFor();
    return region;
  }
}

/** The side panel of a running walkthrough (beside every page). */
export class TrainingPanel {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByRole('complementary', { name: /^Training: / });
  }

  get stepHeading(): Locator {
    return this.root.getByRole('heading', { level: 3, name: /^Step \d+ of \d+/ });
  }

  async waitStep(n: number, timeoutMs = 60_000): Promise<void> {
    await eventually(`training step ${n}`, async () => ((await this.stepHeading.textContent().catch(() => '')) ?? '').startsWith(`Step ${n} `), timeoutMs);
  }

  /** what the step waits for (its live check) */
  get check(): Locator {
    return this.root.locator('.training-check');
  }

  get hints(): Locator {
    return this.root.getByRole('list', { name: 'Hints' });
  }

  get log(): Locator {
    return this.root.getByRole('log', { name: 'What happened' });
  }

  async waitLog(text: string | RegExp, timeoutMs = 30_000): Promise<void> {
    await eventually(
      `"${text}" in the training panel`,
      async () => {
        const t = (await this.log.textContent()) ?? '';
        return typeof text === 'string' ? t.includes(text) : text.test(t);
      },
      timeoutMs,
    );
  }

  answerField(question: string): Locator {
    return this.root.getByLabel(question);
  }

  async answer(question: string, text: string): Promise<void> {
    await this.answerField(question).fill(text);
    await this.root.getByRole('button', { name: 'Answer' }).click();
  }

  get stopButton(): Locator {
    return this.root.getByRole('button', { name: 'Stop the walkthrough' });
  }

  get report(): Locator {
    return this.root.getByRole('region', { name: /^Report: / });
  }

  get debrief(): Locator {
    return this.root.getByRole('region', { name: 'Debrief' });
  }
}
