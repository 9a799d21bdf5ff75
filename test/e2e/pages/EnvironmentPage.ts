// One environment: status, transitions (with their confirmations), errors, tabs.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../support.js';

export class EnvironmentPage {
  constructor(readonly page: Page) {}

  get status(): Locator {
    return this.page.getByRole('region', { name: 'Environment status' });
  }

  async state(): Promise<string> {
    return ((await this.status.locator('.state').textContent()) ?? '').trim();
  }

  async runNumber(): Promise<number | null> {
    const m = /Run\s*(\d+)/.exec((await this.status.textContent()) ?? '');
    return m ? Number(m[1]) : null;
  }

  async waitState(state: string, timeoutMs = 30_000): Promise<void> {
    let seen = '';
    try {
      await eventually(`state ${state}`, async () => (seen = await this.state()) === state, timeoutMs);
    } catch {
      const shown = await this.page
        .getByRole('alert')
        .allTextContents()
        .catch(() => []);
      throw new Error(`environment not ${state} after ${timeoutMs} ms: it shows ${seen}${shown.length ? `; alerts: ${shown.join(' | ')}` : ''}`);
    }
  }

  get transitions(): Locator {
    return this.page.getByRole('toolbar', { name: 'Transitions' });
  }

  button(transition: string): Locator {
    return this.transitions.getByRole('button', { name: transition, exact: true });
  }

  async enabledTransitions(): Promise<string[]> {
    const out: string[] = [];
    for (const b of await this.transitions.getByRole('button').all()) if (await b.isEnabled()) out.push(((await b.textContent()) ?? '').trim());
    return out;
  }

  /** Presses a transition (confirming when asked) and waits for the state it leads to. */
  async transition(name: string, expect: string): Promise<void> {
    await this.button(name).click();
    const dialog = this.page.getByRole('dialog', { name: new RegExp(`^${name} `) });
    if ((await dialog.isVisible().catch(() => false)) || name === 'STOP_ACTIVITY' || name === 'EXIT') {
      await dialog.waitFor();
      await dialog.getByRole('button', { name, exact: true }).click();
    }
    await this.waitState(expect);
  }

  /** The structured explanation shown while in ERROR. */
  get whyError(): Locator {
    return this.page.getByRole('alert', { name: 'Why this environment is in ERROR' });
  }

  tab(name: 'Overview' | 'Graph' | 'Tasks'): Locator {
    return this.page.getByRole('navigation', { name: 'Environment views' }).getByRole('link', { name, exact: true });
  }

  get channels(): Locator {
    return this.page.getByRole('table', { name: /Channels/ });
  }

  /** messages per second on every channel row (from the Messages column) */
  async channelRates(): Promise<number[]> {
    const rows = await this.channels.locator('tbody').getByRole('row').all();
    const rates: number[] = [];
    for (const r of rows) {
      const cell = ((await r.getByRole('cell').nth(4).textContent()) ?? '').trim();
      const m = /^([\d.]+)(k|M)?\s*msg\/s/.exec(cell);
      rates.push(m ? Number(m[1]) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : 1) : 0);
    }
    return rates;
  }
}
