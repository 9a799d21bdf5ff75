// The desktop app's new-window rule (electron/window-policy.ts): a popped-out log on the gateway's
// origin opens; any other page of ours, another origin's page or a look-alike host does not; a
// https link elsewhere goes to the system browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideWindowOpen } from '../../../electron/window-policy.js';

const ORIGIN = 'http://127.0.0.1:7788';

test('the log pop-out of a task opens as a window of the app', () => {
  assert.equal(decideWindowOpen(`${ORIGIN}/logs/popout?task=tsk-1&name=builder#token=x`, ORIGIN), 'log-pop-out');
});

test('every other window is refused, a https link elsewhere goes to the system browser', () => {
  assert.equal(decideWindowOpen(`${ORIGIN}/logs/popout`, ORIGIN), 'deny', 'no task');
  assert.equal(decideWindowOpen(`${ORIGIN}/nodes`, ORIGIN), 'deny', 'another page of ours');
  assert.equal(decideWindowOpen(`${ORIGIN}/logs/popout/../../nodes?task=1`, ORIGIN), 'deny', 'a path that resolves elsewhere');
  assert.equal(decideWindowOpen('http://127.0.0.1:7789/logs/popout?task=1', ORIGIN), 'deny', 'another port');
  assert.equal(decideWindowOpen('http://127.0.0.1.evil.example/logs/popout?task=1', ORIGIN), 'deny', 'a look-alike host');
  assert.equal(decideWindowOpen('javascript:alert(1)', ORIGIN), 'deny');
  assert.equal(decideWindowOpen('not a url', ORIGIN), 'deny');
  assert.equal(decideWindowOpen('https://docs.example.org/baton', ORIGIN), 'external');
  assert.equal(decideWindowOpen('http://docs.example.org/baton', ORIGIN), 'deny', 'plain http elsewhere');
});
