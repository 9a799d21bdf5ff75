// The hold bar of an environment page (who holds it, Take over with a reason, Release) and the
// Audit view (filters, rows).
import type { Locator, Page } from 'playwright-core';

export class HoldBar {
  constructor(readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Hold' });
  }

  async text(): Promise<string> {
    return ((await this.region.locator('.holder').textContent()) ?? '').trim();
  }

  /** Take over, giving the reason in the dialog the button opens. */
  async takeOver(reason: string): Promise<void> {
    await this.region.getByRole('button', { name: 'Take over' }).click();
    const dialog = this.page.getByRole('dialog', { name: /^Take over / });
    await dialog.waitFor();
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Take over' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  release(): Promise<void> {
    return this.region.getByRole('button', { name: 'Release' }).click();
  }
}

export class AuditPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: /Audit records/ });
  }

  async filterUser(user: string): Promise<void> {
    await this.page.getByRole('search', { name: 'Filter the audit trail' }).getByLabel('User').fill(user);
  }

  async filterEnv(envId: string): Promise<void> {
    await this.page.getByRole('search', { name: 'Filter the audit trail' }).getByLabel('Environment').fill(envId);
  }

  /** every row's cells as text: [time, user, role, client, request, environment, outcome, details] */
  async rows(): Promise<string[][]> {
    const out: string[][] = [];
    for (const r of await this.table.locator('tbody').getByRole('row').all()) {
      out.push((await r.locator('th, td').allTextContents()).map((c) => c.trim()));
    }
    return out;
  }
}
