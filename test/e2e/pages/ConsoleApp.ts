// The console shell: navigation, connection state, theme, shortcuts, notifications.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../support.js';

export class ConsoleApp {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** Opens the console with the token in the fragment, as `baton console` prints it. */
  async open(openUrl: string): Promise<void> {
    await this.page.goto(openUrl);
    await this.waitLive();
  }

  async goto(pathname: string): Promise<void> {
    await this.page.goto(new URL(pathname, this.baseUrl).toString());
    await this.waitLive();
  }

  get connection(): Locator {
    return this.page.getByRole('banner').getByRole('status');
  }

  async waitLive(timeoutMs = 20_000): Promise<void> {
    await eventually('the console to be live', async () => (await this.connection.textContent())?.includes('Live'), timeoutMs);
  }

  nav(name: 'Environments' | 'Nodes' | 'Runs' | 'Events' | 'Audit'): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  }

  async heading(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).first().textContent()) ?? '';
  }

  get notifications(): Locator {
    return this.page.getByRole('region', { name: 'Notifications' });
  }

  async toggleTheme(): Promise<void> {
    await this.page.getByRole('button', { name: /Dark theme/ }).click();
  }

  async openCheatSheet(): Promise<Locator> {
    await this.page.locator('body').press('?');
    const d = this.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await d.waitFor();
    return d;
  }
}
