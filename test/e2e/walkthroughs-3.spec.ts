// Every shipped walkthrough runs in Chromium with the browser trainee, its faults and its checks
// (test/e2e/walkthroughs/in-console.ts), dealt over four files by position (this one: part 3)
// so that each stays well under the test runner's 180 s per-file timeout on a loaded machine and
// two can run at once. A new walkthrough in training/ is run by one of them without a change.
import { shippedWalkthroughs, walkthroughsInConsole } from './walkthroughs/in-console.js';

const mine = shippedWalkthroughs().filter((_id, i) => i % 4 === 2);
walkthroughsInConsole('walkthroughs in the console (part 3 of 4)', mine);
