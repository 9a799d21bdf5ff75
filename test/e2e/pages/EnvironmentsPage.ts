// The environments list and the create form.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../support.js';

export class EnvironmentsPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table');
  }

  row(envName: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name: envName }) });
  }

  async openCreate(): Promise<CreateEnvironmentPage> {
    await this.page.getByRole('link', { name: 'Create environment' }).click();
    await this.page.getByRole('heading', { name: 'Create environment' }).waitFor();
    return new CreateEnvironmentPage(this.page);
  }
}

export class CreateEnvironmentPage {
  constructor(readonly page: Page) {}

  async chooseWorkflow(name: string): Promise<void> {
    const select = this.page.getByLabel('Workflow', { exact: true });
    await eventually(`workflow ${name} in the list`, async () => (await select.locator('option').allTextContents()).includes(name));
    await select.selectOption(name);
    await this.page.getByRole('form', { name: `Variables of ${name}` }).waitFor();
  }

  field(label: string | RegExp): Locator {
    return this.page.getByLabel(label);
  }

  get errors(): Locator {
    return this.page.getByRole('form').getByRole('alert');
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: 'Create', exact: true }).click();
  }
}
