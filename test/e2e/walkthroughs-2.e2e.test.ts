// Every shipped walkthrough runs in Chromium with the browser trainee, its faults and its checks
// (test/e2e/walkthroughs/in-console.ts), split over three files by position (this one: the
// 2nd of every three) so that each stays well under the test runner's per-file timeout
// and two can run at once. A new walkthrough in training/ is run by one of them without a change.
import { shippedWalkthroughs, walkthroughsInConsole } from './walkthroughs/in-console.js';

const mine = shippedWalkthroughs().filter((_id, i) => i % 3 === 1);
walkthroughsInConsole('walkthroughs in the console (part 2 of 3)', mine);
