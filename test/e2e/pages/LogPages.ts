// The log parts of the console: a task's log viewer (in the task drawer), the error panel's last
// lines, and the environment-wide log search of the Tasks tab.
import * as fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import type { TaskDrawer } from './TasksPage.js';

export class TaskLogViewer {
  constructor(readonly drawer: TaskDrawer) {}

  get region(): Locator {
    return this.drawer.root.getByRole('region', { name: 'Log', exact: true });
  }

  get lines(): Locator {
    return this.region.getByRole('log', { name: `Log of ${this.drawer.taskName}` });
  }

  /** a marker of the agent's, by its label: Crashed, Exited, Started, Agent restarted, Transition */
  marker(label: string): Locator {
    return this.lines.getByRole('note', { name: new RegExp(`^${label}:`) });
  }

  get partialNote(): Locator {
    return this.region.getByRole('note', { name: 'Partial log' });
  }

  /** clicks Download and returns the text of the file the browser saved */
  async download(): Promise<{ name: string; text: string }> {
    const page = this.drawer.page;
    const [d] = await Promise.all([page.waitForEvent('download'), this.region.getByRole('link', { name: 'Download' }).click()]);
    const file = await d.path();
    return { name: d.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
  }
}

export class ErrorPanel {
  constructor(readonly drawer: TaskDrawer) {}

  get lastLines(): Locator {
    return this.drawer.root.getByRole('alert', { name: 'Task error' }).getByRole('list', { name: 'Last lines printed' });
  }

  /** true when the element is inside the window and inside its list's scrolled view */
  async showsWithoutScrolling(item: Locator): Promise<boolean> {
    return item.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const box = el.parentElement!.getBoundingClientRect();
      return (
        r.top >= 0 &&
        r.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight &&
        r.top >= box.top - 1 &&
        r.bottom <= box.bottom + 1 &&
        r.height > 0
      );
    });
  }
}

export class LogSearchPanel {
  constructor(readonly page: Page) {}

  get form(): Locator {
    return this.page.getByRole('search', { name: "Search the environment's logs" });
  }

  async search(text: string): Promise<void> {
    await this.form.getByRole('searchbox', { name: 'Search all task logs' }).fill(text);
    await this.form.getByRole('button', { name: 'Search logs' }).click();
  }

  get results(): Locator {
    return this.page.getByRole('list', { name: 'Log search results' });
  }
}
