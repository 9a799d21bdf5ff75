// kill -9 of the controller and a restart (same home, socket and token, as local mode starts it)
// keeps the environments, the run history and the run counter.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BATON, cleanEnv, logsOf, pollUntil, type LocalStack } from '../cli/harness.js';
import { alive, control, show, type EnvDoc, type RunDoc, sharedStack } from './common.js';

describe('controller restart', () => {
  const stackOf = sharedStack('local down leaves no process, the restarted controller included');
  let stack: LocalStack;
  before(() => {
    stack = stackOf();
  });

  test('kill -9 of the controller, restart: environments, runs and the run counter survive', async () => {
    const { id } = await stack.json<EnvDoc>(['env', 'create', 'quick']);
    for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'START_ACTIVITY']) await control(stack, id, t);
    const { id: idle } = await stack.json<EnvDoc>(['env', 'create', 'quick']);
    const before = await show(stack, id);
    assert.equal(before.state, 'RUNNING');
    const runsBefore = await stack.json<RunDoc[]>(['run', 'list']);
    assert.equal(runsBefore.length, 2);

    const statePath = path.join(stack.home, 'local', 'state.json');
    const st = JSON.parse(fs.readFileSync(statePath, 'utf8')) as { token: string; controller: { pid: number; argv: string[] } };
    process.kill(st.controller.pid, 'SIGKILL');
    await pollUntil(
      async () => alive(st.controller.pid),
      (a) => !a,
      5000,
      50,
    );
    const down = await stack.run(['env', 'list']);
    assert.equal(down.code, 1, 'with the controller gone the CLI fails');
    assert.match(down.stderr, /UNAVAILABLE/);

    // restart as local mode starts it: same arguments, token through the environment, own group
    const log = fs.openSync(path.join(stack.home, 'local', 'controller-restart.log'), 'a');
    const child = spawn(process.execPath, [BATON, ...st.controller.argv], {
      detached: true,
      stdio: ['ignore', log, log],
      env: cleanEnv(stack.home, { BATON_TOKEN: st.token }),
    });
    child.unref();
    fs.closeSync(log);
    const back = await pollUntil(
      () => stack.run(['env', 'list', '--json']),
      (r) => r.code === 0,
      30_000,
      200,
    );
    assert.ok(back.met, `the restarted controller answers\n${logsOf(stack.home)}`);

    const ids = (JSON.parse(back.value.stdout) as EnvDoc[]).map((e) => e.id).sort();
    assert.deepEqual(ids, [id, idle].sort(), 'both environments are still there');
    const after = await show(stack, id);
    assert.equal(after.state, 'RUNNING');
    assert.equal(after.runNumber, before.runNumber);
    const runsAfter = await stack.json<RunDoc[]>(['run', 'list']);
    assert.deepEqual(runsAfter.map((r) => r.runNumber).sort(), runsBefore.map((r) => r.runNumber).sort(), 'the run history is kept');

    // the counter goes on from where it was
    await control(stack, id, 'STOP_ACTIVITY');
    await control(stack, id, 'START_ACTIVITY');
    const next = await show(stack, id);
    assert.ok(next.runNumber! > before.runNumber!, `a new run ${next.runNumber} after ${before.runNumber}`);
    const { id: third } = await stack.json<EnvDoc>(['env', 'create', 'quick']);
    assert.ok(![id, idle].includes(third));
  });
});
