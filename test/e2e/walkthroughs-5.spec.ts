// The shipped walkthroughs whose stack is a fail-over cluster (`stack.controllers`, such as
// 15-controller-failover) run in Chromium with the browser trainee on a stack of their own:
// `baton local up --training --controllers 3` (etcd and three controllers; the console's gateway
// and the runner are given every controller and follow the leader). Parts 1-4 run the others.
import { test } from './fixtures.js';
import { shippedWalkthroughs, WALKTHROUGH_TIMEOUT_MS, WalkthroughConsole } from './walkthroughs/in-console.js';

const mine = shippedWalkthroughs({ cluster: true });

test.use({ localStack: { extra: ['--training', '--controllers', '3'] } });

test.describe('walkthroughs in the console (part 5: cluster stacks)', () => {
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
