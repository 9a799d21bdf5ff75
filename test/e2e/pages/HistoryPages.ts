// The load-history plots (renderer/src/features/history/): a titled section with its range picker
// and charts, each a figure with a title, a summary and a table; and the popped-out log window.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../support.js';

export class HistoryPanel {
  constructor(
    readonly page: Page,
    readonly title: 'Channel rates' | 'Task load' | 'Node load',
  ) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: this.title, exact: true });
  }

  chart(title: string): Locator {
    return this.region.getByRole('figure', { name: title, exact: true });
  }

  /** the times the chart plots (one row per time) */
  async points(title: string): Promise<number> {
    return Number((await this.chart(title).getAttribute('data-points')) ?? 0);
  }

  /** the range the chart shows, ms */
  async spanMs(title: string): Promise<number> {
    const c = this.chart(title);
    return Number(await c.getAttribute('data-until')) - Number(await c.getAttribute('data-since'));
  }

  /** the chart's text alternative */
  async summary(title: string): Promise<string> {
    return (await this.chart(title).locator('p.chart-summary').textContent()) ?? '';
  }

  /** waits until the chart plots at least `min` times and its summary names a figure */
  async waitForData(title: string, min = 2, timeoutMs = 30_000): Promise<number> {
    return eventually(
      `${min} points in "${title}"`,
      async () => {
        if (!(await this.chart(title).count())) return false;
        const n = await this.points(title);
        return n >= min && !(await this.summary(title)).includes('No samples') && n;
      },
      timeoutMs,
    );
  }

  /** the rows of the chart's table: series name and its cells */
  async table(title: string): Promise<string[][]> {
    const chart = this.chart(title);
    await chart.getByText('Table', { exact: true }).click();
    const rows = await chart.getByRole('table').getByRole('row').all();
    const out: string[][] = [];
    for (const r of rows.slice(1)) out.push((await r.getByRole('cell').allTextContents()).concat(await r.getByRole('rowheader').allTextContents()));
    return out;
  }

  rangeButton(label: '15 min' | '1 hour' | '6 hours' | '24 hours'): Locator {
    return this.region.getByRole('group', { name: 'Time range' }).getByRole('button', { name: label, exact: true });
  }

  async pickRange(label: '15 min' | '1 hour' | '6 hours' | '24 hours'): Promise<void> {
    await this.rangeButton(label).click();
  }
}

/** The window a log was popped out to. */
export class LogPopOutWindow {
  constructor(
    readonly page: Page,
    readonly taskName: string,
  ) {}

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: `Log of ${this.taskName}` });
  }

  get log(): Locator {
    return this.page.getByRole('log', { name: `Log of ${this.taskName}` });
  }

  /** the entries shown (lines and markers) */
  get entries(): Locator {
    return this.log.locator('[data-pos]');
  }
}
