// Playwright fixtures for the console's browser tests: a local stack (`baton local up`), the web
// console on it (`baton console --json`) and a page with that console open and live, all
// worker-scoped, so a file's tests share them like the before()/after() of a node:test file did.
// Every file that takes them says `test.use({ localStack: { ... } })`: each test.use() is its own
// set of worker options, so Playwright gives that file its own worker, hence its own stack, torn
// down (and checked: `baton local down` must succeed) when the file is done. The page comes from
// Playwright's `browser` (Debian's Chromium, playwright.config.ts), so a failed test leaves a
// trace and a screenshot of it. Importing this module checks that the console can be tested.
import { test as base, type Page } from '@playwright/test';
import { ConsoleApp } from './pages/ConsoleApp.js';
import { assertConsoleTestable, ConsoleProcess, Stack } from './support.js';

export { expect } from '@playwright/test';

assertConsoleTestable();

/** The options of Stack.up and ConsoleProcess.start, and of the page's browser context. */
export interface LocalStackOptions {
  /** `--agents N` (Stack.up's first argument; 2 when unset) */
  agents?: number;
  /** more `baton local up` arguments (Stack.up's second argument) */
  extra?: string[];
  /** how long `baton local up` may take (Stack.up's third argument) */
  upTimeoutMs?: number;
  /** more `baton console` arguments (ConsoleProcess.start's second argument) */
  consoleArgs?: string[];
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** false: the page starts blank, for a test that opens the console itself (app.open) */
  openConsole?: boolean;
}

/** The page with the console open (at its openUrl, live, unless openConsole is false), and what the page threw. */
export interface ConsolePage {
  page: Page;
  app: ConsoleApp;
  /** messages of uncaught errors in the page, for a test to assert there were none */
  errors: string[];
}

interface WorkerFixtures {
  localStack: LocalStackOptions;
  stack: Stack;
  consoleProcess: ConsoleProcess;
  consolePage: ConsolePage;
}

export const test = base.extend<object, WorkerFixtures>({
  localStack: [{}, { scope: 'worker', option: true }],

  stack: [
    async ({ localStack }, use) => {
      const stack = await Stack.up(localStack.agents ?? 2, localStack.extra ?? [], localStack.upTimeoutMs);
      let down: Awaited<ReturnType<Stack['down']>>;
      try {
        await use(stack);
      } finally {
        down = await stack.down();
      }
      // a stack that does not go down cleanly fails the run (the old after() asserted this)
      if (down.code !== 0) throw new Error(`baton local down failed (${down.code}): ${down.stderr}`);
    },
    { scope: 'worker', timeout: 360_000 },
  ],

  consoleProcess: [
    async ({ stack, localStack }, use) => {
      const proc = await ConsoleProcess.start(stack, localStack.consoleArgs ?? []);
      try {
        await use(proc);
      } finally {
        await proc.stop();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  consolePage: [
    async ({ browser, consoleProcess, localStack }, use) => {
      const context = await browser.newContext({
        viewport: localStack.viewport ?? { width: 1400, height: 900 },
        colorScheme: localStack.colorScheme ?? 'light',
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const app = new ConsoleApp(page, consoleProcess.info.url);
      if (localStack.openConsole !== false) await app.open(consoleProcess.info.openUrl);
      try {
        await use({ page, app, errors });
      } finally {
        await context.close().catch(() => {});
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});
