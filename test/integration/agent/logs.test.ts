// TaskLogs: tail, grep, follow, and follow across a rotation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { readLogs, setup, spec } from './harness.js';

const sh = (taskId: string, script: string) => spec({ taskId, control: 'basic', command: '/bin/sh', args: ['-c', script] });

test('tail N, grep, and everything from the start', async (t) => {
  const { ctl, logs } = await setup(t);
  await ctl.launch([sh('env-test/talker', 'for i in $(seq 1 50); do echo "line $i"; [ $((i % 10)) = 0 ] && echo "tick $i"; done')]);
  await ctl.exited('env-test/talker');
  const all = await readLogs(logs, { taskId: 'env-test/talker' });
  assert.equal(all.length, 55);
  assert.equal(all[0], 'line 1');
  const tail = await readLogs(logs, { taskId: 'env-test/talker', tail: 3 });
  assert.deepEqual(tail, ['line 49', 'line 50', 'tick 50']);
  const grep = await readLogs(logs, { taskId: 'env-test/talker', tail: 2, grep: 'tick' });
  assert.deepEqual(grep, ['tick 40', 'tick 50']);
  const grepAll = await readLogs(logs, { taskId: 'env-test/talker', grep: 'tick' });
  assert.equal(grepAll.length, 5);
});

test('an unknown task gives NOT_FOUND', async (t) => {
  const { logs } = await setup(t);
  await assert.rejects(readLogs(logs, { taskId: 'env-x/none' }), /no task env-x\/none/);
});

test('follow sees new lines as they come and ends when the task has exited', async (t) => {
  const { ctl, logs } = await setup(t);
  await ctl.launch([sh('env-test/slowtalk', 'echo first; sleep 0.5; echo second; sleep 0.3; echo third')]);
  const lines = await readLogs(logs, { taskId: 'env-test/slowtalk', follow: true, tail: 10 });
  assert.deepEqual(lines, ['first', 'second', 'third']);
});

test('follow survives log rotation', async (t) => {
  const { ctl, logs } = await setup(t, { logMaxBytes: 2000 });
  const [l] = await ctl.launch([sh('env-test/chatty', 'for i in $(seq 1 600); do echo "line $i"; sleep 0.006; done')]);
  const lines = await readLogs(logs, { taskId: 'env-test/chatty', follow: true, tail: 1 });
  assert.equal(lines[lines.length - 1], 'line 600');
  const nums = lines.map((x) => Number(x.split(' ')[1]));
  assert.ok(
    nums.every((n, i) => i === 0 || n > nums[i - 1]!),
    'lines come in order',
  );
  assert.ok(fs.existsSync(`${l!.logPath}.1`), 'the log was rotated');
});
