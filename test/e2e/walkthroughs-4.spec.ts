// Every shipped walkthrough runs in Chromium with the browser trainee, its faults and its checks
// (test/e2e/walkthroughs/in-console.ts), dealt over four files by position (this one: part 4)
// so that each file's stack serves a few of them and two files can run at once (Playwright's two
// workers; each walkthrough has a test timeout of its own, WALKTHROUGH_TIMEOUT_MS). A new
// walkthrough in training/ is run by one of them without a change (one on a fail-over cluster
// stack, `stack.controllers`, by part 5). Playwright counts a test in the file that calls
// test(), so the body below is repeated in each part rather than shared by a function.
import { test } from './fixtures.js';
import { shippedWalkthroughs, WALKTHROUGH_TIMEOUT_MS, WalkthroughConsole } from './walkthroughs/in-console.js';

const mine = shippedWalkthroughs().filter((_id, i) => i % 4 === 3);

// the training stack: `baton local up --agents 2 --training`, this file's own
test.use({ localStack: { extra: ['--training'] } });

test.describe('walkthroughs in the console (part 4 of 4)', () => {
  test.describe.configure({ mode: 'serial', timeout: WALKTHROUGH_TIMEOUT_MS });
  let inConsole: WalkthroughConsole | undefined;

  test.beforeAll(async ({ stack, browser }) => {
    inConsole = await WalkthroughConsole.open(stack, browser);
  });

  test.afterAll(async () => {
    await inConsole?.close();
  });

  for (const id of mine) {
    test(`walkthrough ${id} runs to its end in the console`, async () => {
      await inConsole!.run(id);
    });
  }
});
