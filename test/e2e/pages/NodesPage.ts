// The Nodes page: its toolbar (search, schedule and label filters), the sortable table, and the
// actions of a node's row with their confirmation dialog.
import type { Locator, Page } from 'playwright-core';

export class NodesPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Nodes' });
  }

  /** the node names in the table's order */
  async names(): Promise<string[]> {
    const headers = this.table.getByRole('rowheader');
    const out: string[] = [];
    for (const h of await headers.all()) out.push((await h.getAttribute('aria-label')) ?? '');
    return out;
  }

  row(node: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: node, exact: true }) });
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search nodes' }).fill(text);
  }

  async filterSchedule(state: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Schedule' }).selectOption(state);
  }

  async sortBy(column: string): Promise<void> {
    await this.table.getByRole('columnheader', { name: column }).getByRole('button').click();
  }

  async sortState(column: string): Promise<string | null> {
    return this.table.getByRole('columnheader', { name: column }).getAttribute('aria-sort');
  }

  action(node: string, action: 'Cordon' | 'Drain' | 'Uncordon' | 'Remove'): Locator {
    return this.row(node).getByRole('button', { name: `${action} ${node}` });
  }

  /** presses the action and confirms it in the dialog */
  async act(node: string, action: 'Cordon' | 'Drain' | 'Uncordon' | 'Remove'): Promise<void> {
    await this.action(node, action).click();
    const dialog = this.page.getByRole('dialog', { name: `${action} ${node}?` });
    await dialog.getByRole('button', { name: action }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  get outcome(): Locator {
    return this.page.getByRole('status').filter({ hasText: /^Node / });
  }

  usedBy(node: string): Locator {
    return this.page.getByRole('list', { name: `Environments using ${node}` });
  }
}
