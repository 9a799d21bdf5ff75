// Page objects for what keeps a run alive: the Roles section of an environment (Exclude / Include
// with their confirmations and outcomes), the health banners, and a node's health on the Nodes page.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../support.js';

export type RoleVerb = 'Exclude' | 'Include';

export class RolesSection {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Roles' });
  }

  button(verb: RoleVerb, role: string): Locator {
    return this.table.getByRole('button', { name: `${verb} ${role}`, exact: true });
  }

  row(role: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('button', { name: new RegExp(`^(Exclude|Include) ${role}$`) }) });
  }

  /** the role's state as shown (EXCLUDED for an excluded role) */
  async state(role: string): Promise<string> {
    return ((await this.row(role).locator('.state').textContent()) ?? '').trim();
  }

  /** why the button is disabled: its accessible description */
  async reason(verb: RoleVerb, role: string): Promise<string> {
    const id = await this.button(verb, role).getAttribute('aria-describedby');
    if (!id) return '';
    return ((await this.page.locator(`[id="${id}"]`).textContent()) ?? '').trim();
  }

  /** Presses the button and returns the confirmation dialog (not confirmed yet). */
  async ask(verb: RoleVerb, role: string): Promise<Locator> {
    await this.button(verb, role).click();
    const dialog = this.page.getByRole('dialog', { name: `${verb} ${role}?` });
    await dialog.waitFor();
    return dialog;
  }

  async confirm(dialog: Locator, verb: RoleVerb): Promise<void> {
    await dialog.getByRole('button', { name: verb, exact: true }).click();
  }

  /** the success line after an Exclude / Include */
  done(role: string, verb: RoleVerb): Locator {
    return this.page.getByRole('status').filter({ hasText: new RegExp(`^${role} ${verb.toLowerCase()}d in `) });
  }

  failure(verb: RoleVerb, role: string): Locator {
    return this.page.getByRole('alert', { name: `${verb} ${role} failed` });
  }
}

export class HealthBanners {
  constructor(readonly page: Page) {}
  get degraded(): Locator {
    return this.page.getByRole('region', { name: 'Degraded' });
  }
}

export class NodeHealth {
  constructor(readonly page: Page) {}

  row(node: string): Locator {
    return this.page
      .getByRole('table', { name: 'Nodes' })
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^${node}\\b`) }) });
  }

  /** the health label (UP, SUSPECT, DOWN, REFUSED) and its detail line */
  async health(node: string): Promise<{ label: string; detail: string }> {
    const cell = this.row(node).getByRole('cell').first();
    const label = ((await cell.locator('.state').textContent()) ?? '').trim();
    const detail = (
      (await cell
        .locator('.node-health-detail')
        .textContent({ timeout: 500 })
        .catch(() => '')) ?? ''
    ).trim();
    return { label, detail };
  }

  async waitHealth(node: string, label: string, timeoutMs = 30_000): Promise<{ label: string; detail: string }> {
    return eventually(
      `node ${node} ${label}`,
      async () => {
        const h = await this.health(node);
        return h.label === label ? h : null;
      },
      timeoutMs,
    );
  }
}
