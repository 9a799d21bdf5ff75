// A restarted agent's Hello says where its adopted controlled tasks are, not where tasks.json last
// saw them: a controlled task's replies are not written there (cpu), so the file may hold a state
// the task has left; the agent waits (bounded) for the tasks' re-dial hellos before its own Hello.
// Before, the Hello said STANDBY for a CONFIGURED task until the task re-dialled, and a controller
// acting on it (RECOVER after the node came back) sent a transition the task refused (found by
// the chaos suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent, type AgentOptions } from '../../../core/agent/main.js';
import { demo, sleep, tempHome, TestController, TOKEN } from './harness.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-main.js');

test('the Hello of a restarted agent carries the state its adopted task reached, not the stale file', async (t) => {
  const home = tempHome();
  const opts: AgentOptions = { name: 'n1', home, listen: `unix://${home}/agent.sock`, token: TOKEN, labels: {}, portRange: [31000, 31999] };
  const proc = spawn(process.execPath, [MAIN, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pid = 0;
  t.after(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    if (pid) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.rmSync(home, { recursive: true, force: true });
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (c) => reject(new Error(`agent process exited ${c}`)));
  });
  const first = await TestController.open(address);
  const [launched] = await first.launch([demo('env-test/moved')]);
  pid = launched!.pid;
  const [configured] = await first.transition('CONFIGURE', [{ taskId: 'env-test/moved' }]);
  assert.equal(configured!.state, 'CONFIGURED');
  await sleep(300);
  first.close();
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
  const saved = JSON.parse(fs.readFileSync(path.join(home, 'agents', 'n1', 'tasks.json'), 'utf8')) as { tasks: { id: string; state: string }[] };
  assert.equal(saved.tasks.find((x) => x.id === 'env-test/moved')?.state, 'STANDBY', 'the file holds the state before CONFIGURE');

  const agent = await startAgent(opts);
  t.after(() => agent.stop());
  const next = await TestController.open(agent.address);
  t.after(() => next.close());
  assert.equal(next.hello?.tasks.find((x) => x.taskId === 'env-test/moved')?.state, 'CONFIGURED');
});
