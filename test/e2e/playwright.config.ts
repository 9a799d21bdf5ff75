// Playwright's test runner for the console's browser tests (test/e2e/*.spec.ts). It runs the
// compiled files in dist/test/e2e/ (tsc type-checks and compiles them with the rest of test/, and
// runtime code runs from dist/ anyway): `npx playwright test -c dist/test/e2e/playwright.config.js`,
// which `npm run test:e2e` and the "e2e (playwright)" stage of scripts/test.sh do.
// Debian's Chromium, never a downloaded browser. Everything it writes goes under test-results/
// (ignored): a trace and a screenshot of every failed test, the HTML report (never opened by
// itself: `npx playwright show-report test-results/e2e-report`) and the JSON that
// scripts/test.sh counts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from './support.js';

const results = path.join(ROOT, 'test-results');

export default defineConfig({
  testDir: path.dirname(fileURLToPath(import.meta.url)),
  testMatch: '**/*.spec.js',
  // traces and screenshots of failures; the runner empties it at the start of a run, so it is not
  // test-results/ itself (test-results/screenshots/ holds the handbook's pictures)
  outputDir: path.join(results, 'e2e-artifacts'),
  // two browsers with a local stack each is what a loaded 2-core machine takes
  workers: 2,
  // a file's tests share its stack and page and run in order (each file says mode: 'serial')
  fullyParallel: false,
  // a test that passes only on its retry is reported as flaky (scripts/test.sh names it)
  retries: Number(process.env.BATON_E2E_RETRIES ?? 1),
  forbidOnly: true,
  // sized for 2 cores shared with other work: one step may deploy and start a stack's tasks
  timeout: 180_000,
  globalTimeout: 60 * 60_000,
  expect: { timeout: 20_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.BATON_E2E_JSON ?? path.join(results, 'e2e-results.json') }],
    ['html', { outputFolder: path.join(results, 'e2e-report'), open: 'never' }],
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
  },
});
