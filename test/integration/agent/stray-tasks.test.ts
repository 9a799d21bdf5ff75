// A task process that a killed agent spawned but never recorded in tasks.json (the agent died in
// the up to 50 ms between the spawn and the write) is adopted by nobody; a basic one would run
// forever. The next agent kills such strays when it starts: any process whose stdout is a log
// file of its own logs directory and that is not a task it adopted. Found by the chaos suite
// (kill -9 of an agent inside DEPLOY left /bin/sleep tasks running with no owner).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killGroupsAfter, pidAlive, sleep, startTestAgent, tempHome } from './harness.js';

function sleeper(stdoutFile: string) {
  fs.mkdirSync(path.dirname(stdoutFile), { recursive: true });
  const fd = fs.openSync(stdoutFile, 'a');
  const child = spawn('sleep', ['300'], { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.unref();
  return child.pid!;
}

test('an agent kills at start the task processes a predecessor left unrecorded, and nothing else', async (t) => {
  const home = tempHome();
  const logs = path.join(home, 'agents', 'n1', 'logs');
  const stray = sleeper(path.join(logs, 'env-test_lost.log'));
  const bystander = sleeper(path.join(home, 'elsewhere.log'));
  killGroupsAfter(t, () => [stray, bystander]);
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  assert.ok(pidAlive(stray) && pidAlive(bystander));
  const { agent } = await startTestAgent({ home });
  t.after(() => agent.stop());
  for (let i = 0; i < 100 && pidAlive(stray); i++) await sleep(20);
  assert.ok(!pidAlive(stray), 'the unrecorded task process is gone');
  assert.ok(pidAlive(bystander), 'a process that does not write to the agent logs is left alone');
});
