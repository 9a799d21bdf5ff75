// The sweep behind `local down`: it finds task processes of its home that outlived their agent,
// and leaves alone what merely mentions the home (a user's shell with BATON_HOME exported).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findLeftovers, isAlive, killGroup } from '../../../core/local/procs.js';
import { sleep, tempHome } from './harness.js';

function sleeper(env: Record<string, string>, out: string | 'ignore', detached: boolean): number {
  const fd = out === 'ignore' ? 'ignore' : fs.openSync(out, 'a');
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
    detached,
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  if (typeof fd === 'number') fs.closeSync(fd);
  child.unref();
  return child.pid!;
}

test('findLeftovers: task processes of the home yes, bystanders no', async () => {
  const home = tempHome();
  const other = tempHome();
  fs.mkdirSync(path.join(home, 'agents', 'agent-1', 'logs'), { recursive: true });
  const log = path.join(home, 'agents', 'agent-1', 'logs', 'alpha.log');
  const pids: number[] = [];
  try {
    // a controlled task: BATON_CONTROL points into the home
    const controlled = sleeper({ BATON_TASK_ID: 'env-1/alpha', BATON_CONTROL: `unix://${home}/agents/agent-1/task.sock` }, 'ignore', true);
    // a basic task: only its log file says where it belongs
    const basic = sleeper({ BATON_TASK_ID: 'env-1/beta' }, log, true);
    // a bystander with BATON_HOME exported (e.g. the user's shell), and a task of another home
    const shell = sleeper({ BATON_HOME: home }, 'ignore', true);
    const foreign = sleeper({ BATON_TASK_ID: 'env-2/x', BATON_CONTROL: `unix://${other}/agents/a/task.sock` }, 'ignore', true);
    pids.push(controlled, basic, shell, foreign);
    await sleep(200);
    const found = findLeftovers(home, []).map((l) => l.proc.pid);
    assert.ok(found.includes(controlled), 'the controlled task is found');
    assert.ok(found.includes(basic), 'the basic task is found by its log file');
    assert.ok(!found.includes(shell), 'a process that only has BATON_HOME set is left alone');
    assert.ok(!found.includes(foreign), 'a task of another home is left alone');
    assert.ok(!found.includes(process.pid));
    // recorded process groups are found whatever they look like
    assert.ok(findLeftovers(home, [shell]).some((l) => l.proc.pid === shell));
  } finally {
    for (const p of pids) killGroup(p, 'SIGKILL');
    await sleep(100);
    assert.deepEqual(pids.filter(isAlive), []);
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  }
});
