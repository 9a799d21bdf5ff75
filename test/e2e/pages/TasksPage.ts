// The task table and the task drawer with its log.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../support.js';

export class TasksPage {
  constructor(readonly page: Page) {}

  get grid(): Locator {
    return this.page.getByRole('grid', { name: 'Tasks' });
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search tasks' }).fill(text);
  }

  stateChip(state: string): Locator {
    return this.page.getByRole('group', { name: 'States' }).getByRole('button', { name: new RegExp(`^${state} `) });
  }

  /** the drawer of a task opened another way (a link) */
  drawer(taskName: string): TaskDrawer {
    return new TaskDrawer(this.page, taskName);
  }

  async open(taskName: string): Promise<TaskDrawer> {
    await this.grid.getByRole('button', { name: taskName, exact: true }).click();
    const d = new TaskDrawer(this.page, taskName);
    await d.root.waitFor();
    return d;
  }
}

export class TaskDrawer {
  constructor(
    readonly page: Page,
    readonly taskName: string,
  ) {}

  get root(): Locator {
    return this.page.getByRole('dialog', { name: `Task ${this.taskName}` });
  }

  async details(): Promise<string> {
    return (await this.root.getByRole('region', { name: 'Task details' }).textContent()) ?? '';
  }

  get logStatus(): Locator {
    return this.root.getByRole('region', { name: 'Log', exact: true }).getByRole('status').last();
  }

  /** Searches the loaded lines of the log and returns the status line, e.g. "Match 1 of 3 for …". */
  async findInLog(text: string): Promise<string> {
    const box = this.root.getByRole('searchbox', { name: 'Search log' });
    return eventually(
      `"${text}" in the log of ${this.taskName}`,
      async () => {
        await box.fill(text);
        await this.root.getByRole('button', { name: 'Find', exact: true }).click();
        const s = (await this.logStatus.textContent()) ?? '';
        return /Match \d+ of \d+/.test(s) ? s : null;
      },
      20_000,
    );
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: 'Close task details' }).click();
  }
}
