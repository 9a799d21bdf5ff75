// Homes are private whatever the umask: a controller and an agent started on a world-readable
// home make it 0700 (saying it was wider), the database 0600, the agent's folders 0700 and task
// logs 0600. A real controller and agent; umask 0 during the start, so nothing comes from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createEnv, listTasks, mustControl, startStack, tempHome } from './harness.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

test('a world-readable home is tightened: home, database, agent folders and task logs', async () => {
  const home = tempHome();
  fs.chmodSync(home, 0o777);
  const warnings: string[] = [];
  const savedError = console.error;
  console.error = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
  const savedUmask = process.umask(0);
  let stack;
  try {
    stack = await startStack({ home, realAgents: 1 });
  } finally {
    process.umask(savedUmask);
    console.error = savedError;
  }
  try {
    assert.equal(mode(home), 0o700, 'the home');
    assert.ok(
      warnings.some((w) => w.includes(home) && /was readable by other users \(mode 0777\): made it 0700/.test(w)),
      `a warning says so: ${JSON.stringify(warnings)}`,
    );
    assert.equal(mode(path.join(home, 'controller')), 0o700);
    assert.equal(mode(path.join(home, 'controller', 'baton.db')), 0o600, 'the database');
    const agentDir = path.join(home, 'agents', 'node-1');
    assert.equal(mode(agentDir), 0o700, 'the agent folder');
    assert.equal(mode(path.join(agentDir, 'logs')), 0o700);

    const env = await createEnv(stack.client, 'quick');
    await mustControl(stack.client, env.id, 'DEPLOY');
    const logs = (await listTasks(stack.client, env.id)).map((t) => t.logPath).filter(Boolean);
    assert.ok(logs.length > 0);
    for (const log of logs) assert.equal(mode(log), 0o600, `task log ${log}`);
    await mustControl(stack.client, env.id, 'EXIT');
  } finally {
    await stack.stop();
  }
});
