// Hook built-ins: durations, ${var} substitution, exec killed at its timeout, test.fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { BUILTINS, parseDuration, substitute } from '../../../core/controller/hooks/builtins.js';
import type { HookSpec } from '../../../core/workflow/types.js';

function hook(func: string, args: Record<string, unknown>): HookSpec {
  return { name: 'h', func, args, trigger: { when: 'after', transition: 'DEPLOY' }, weight: 0, timeoutMs: 1000, critical: true };
}
const vars = { env_id: 'env-1', transition: 'DEPLOY', run_number: '7', state: 'DEPLOYED', workflow: 'w', hook: 'h', when: 'after_deploy' };

test('durations and substitution', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('1.5m'), 90_000);
  assert.equal(parseDuration(250), 250);
  assert.equal(parseDuration('soon'), null);
  assert.deepEqual(substitute({ a: 'run ${run_number} of ${env_id}', b: ['${nope}'], c: 3 }, vars), { a: 'run 7 of env-1', b: ['${nope}'], c: 3 });
});

test('exec: success, failure with its last lines, and a kill when aborted', async () => {
  const run = (args: Record<string, unknown>, signal = new AbortController().signal) =>
    BUILTINS.exec!({ hook: hook('exec', args), signal, vars, cwd: os.tmpdir() });
  assert.match(await run({ command: 'echo ok-$BATON_RUN_NUMBER' }), /ok-7/);
  await assert.rejects(run({ command: 'echo bad; exit 3' }), (e: Error & { detail: { exitCode?: number; lastLines?: string[] } }) => {
    assert.equal(e.detail.exitCode, 3);
    assert.deepEqual(e.detail.lastLines, ['bad']);
    return true;
  });
  const ac = new AbortController();
  const p = run({ command: 'sleep 30' }, ac.signal);
  setTimeout(() => ac.abort(new Error('timeout')), 100);
  const t0 = Date.now();
  await assert.rejects(p, /killed by SIGKILL/);
  assert.ok(Date.now() - t0 < 5000);
});

test('sleep and test.fail', async () => {
  const signal = new AbortController().signal;
  assert.match(await BUILTINS.sleep!({ hook: hook('sleep', { duration: '10ms' }), signal, vars, cwd: '/' }), /slept 10/);
  await assert.rejects(
    BUILTINS.sleep!({ hook: hook('sleep', { duration: 'later' }), signal, vars, cwd: '/' }),
    (e: Error & { code?: string }) => e.code === 'BAD_INPUT',
  );
  await assert.rejects(BUILTINS['test.fail']!({ hook: hook('test.fail', { message: 'boom' }), signal, vars, cwd: '/' }), /boom/);
  assert.match(await BUILTINS['test.fail']!({ hook: hook('test.fail', { fail: false }), signal, vars, cwd: '/' }), /did not fail/);
});
