// What a trainee sees of training in the console: the banner of a training stack.
import type { Locator, Page } from 'playwright-core';

export class TrainingBanner {
  constructor(readonly page: Page) {}

  get banner(): Locator {
    return this.page.getByRole('status', { name: 'Training stack' });
  }
}
