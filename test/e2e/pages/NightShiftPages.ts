// What a night shift looks at: the run in an environment's header, unacknowledged errors (title,
// navigation badge, acknowledge), the stale page while the link is down, a dead task's drawer,
// and the Events view's history (errors only, load older).
import type { Locator, Page } from 'playwright-core';

export class NightShift {
  constructor(readonly page: Page) {}

  /** the run part of an environment's header */
  get envStatus(): Locator {
    return this.page.getByRole('region', { name: 'Environment status' });
  }
  lastRunLink(runNumber: number): Locator {
    return this.envStatus.getByRole('link', { name: `Last run ${runNumber}: its record` });
  }

  /** the Events link while it carries the badge: "Events, N unacknowledged errors" */
  get errorBadge(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /unacknowledged error/ });
  }
  get acknowledgeAll(): Locator {
    return this.page.getByRole('button', { name: /^Acknowledge all errors/ });
  }

  /** the note a page carries while the controller is out of reach */
  get staleNote(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'Not connected to the controller' });
  }

  get errorsOnly(): Locator {
    return this.page.getByRole('group', { name: 'Kinds' }).getByRole('button', { name: 'error', exact: true });
  }
  get eventsTable(): Locator {
    return this.page.getByRole('table', { name: /Events/ });
  }
  async eventRows(): Promise<string[]> {
    return this.eventsTable.locator('.tbody-scroll').getByRole('row').allTextContents();
  }
  get loadOlder(): Locator {
    return this.page.getByRole('button', { name: 'Load older events' });
  }
}
