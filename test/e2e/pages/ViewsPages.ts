// Nodes, runs and events views.
import type { Locator, Page } from 'playwright-core';

export class NodesPage {
  constructor(readonly page: Page) {}
  get table(): Locator {
    return this.page.getByRole('table', { name: 'Nodes' });
  }
  chart(title: RegExp): Locator {
    return this.page.getByRole('figure', { name: title });
  }
}

export class RunsPage {
  constructor(readonly page: Page) {}
  get table(): Locator {
    return this.page.getByRole('table', { name: /Runs/ });
  }
  async runNumbers(): Promise<number[]> {
    const heads = await this.table.locator('tbody').getByRole('rowheader').allTextContents();
    return heads.map((h) => Number(h.trim()));
  }
  /** Opens a run's record beside the table (its number is a link). */
  async openRecord(runNumber: number): Promise<Locator> {
    await this.table.getByRole('link', { name: `Run ${runNumber}: its record` }).click();
    const record = this.page.getByRole('dialog', { name: `Run ${runNumber}` });
    await record.getByText('End reason').waitFor();
    return record;
  }
}

export class EventsPage {
  constructor(readonly page: Page) {}
  get table(): Locator {
    return this.page.getByRole('table', { name: /Events/ });
  }
  kind(group: string): Locator {
    return this.page.getByRole('group', { name: 'Kinds' }).getByRole('button', { name: group, exact: true });
  }
  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search events' }).fill(text);
  }
  async rowsText(): Promise<string[]> {
    return this.table.locator('.tbody-scroll').getByRole('row').allTextContents();
  }
}
