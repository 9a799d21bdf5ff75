// The dataflow graph tab: nodes are buttons named after their task and state.
import type { Locator, Page } from 'playwright-core';

export class GraphPage {
  constructor(readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Dataflow graph' });
  }

  node(taskName: string): Locator {
    return this.region.getByRole('button', { name: new RegExp(`^${taskName}\\b`) });
  }

  async waitDrawn(taskName: string): Promise<void> {
    await this.node(taskName).waitFor();
  }

  /** edge labels: "100 msg/s · 101 KiB/s" */
  async edgeLabels(): Promise<string[]> {
    return this.region.locator('.react-flow__edge-text').allTextContents();
  }
}
