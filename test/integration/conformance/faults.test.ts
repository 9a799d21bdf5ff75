// Every SDK's conformance task program when its agent is killed -9: it re-dials and is re-adopted
// by a new agent on the same home, in the state it was in; with no agent back, it leaves after
// its orphan grace and says why; refused by a new agent that does not know it, it leaves too.
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { startAgent } from '../../../core/agent/main.js';
import { pidAlive, sleep, TestController } from '../agent/harness.js';
import { agentProcess, conformanceSpec, exitCodeLoggingSpec, logLines, selectedSdks, waitForLine } from './harness.js';

for (const sdk of selectedSdks()) {
  test(`${sdk}: after kill -9 of its agent the task re-dials; a new agent re-adopts it CONFIGURED and STARTs it`, async (t) => {
    const id = `env-test/${sdk}-redial`;
    const spec = conformanceSpec(sdk, id);
    const { opts, address, killHard } = await agentProcess(t);
    const ctl = await TestController.open(address);
    const [launched] = await ctl.launch([spec]);
    assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
    const pid = launched!.pid;
    const [c] = await ctl.transition('CONFIGURE', [{ taskId: id }]);
    assert.equal(c!.state, 'CONFIGURED', JSON.stringify(c!.error));
    ctl.close();
    await killHard();
    assert.ok(pidAlive(pid), 'the task outlives its agent');

    const agent = await startAgent(opts);
    const ctl2 = await TestController.open(agent.address);
    try {
      assert.equal(ctl2.hello!.tasks.find((x) => x.taskId === id)?.pid, pid, 'the same process is adopted');
      // the task's hello (once it has re-dialled) says where it is; the agent passes that on
      await ctl2.waitFor(
        () =>
          ctl2.updates.some((u) => u.taskId === id && u.state === 'CONFIGURED') || ctl2.hello!.tasks.some((x) => x.taskId === id && x.state === 'CONFIGURED'),
        15_000,
        'the re-adopted task in CONFIGURED',
      );
      const [s] = await ctl2.transition('START', [{ taskId: id, args: { run_number: '9' } }]);
      assert.equal(s!.ok, true, JSON.stringify(s!.error));
      assert.equal(s!.state, 'RUNNING');
      assert.equal(s!.pid, pid);
      assert.ok(logLines(launched!.logPath).includes('conformance: run_number=9'));
    } finally {
      ctl2.close();
      await agent.stop(); // before the home goes: it kills the task (EXIT over control first)
    }
  });

  test(`${sdk}: with its agent killed -9 and not restarted the task leaves after BATON_ORPHAN_GRACE_MS with exit 1`, async (t) => {
    const id = `env-test/${sdk}-orphan`;
    const spec = exitCodeLoggingSpec(sdk, id);
    const { address, killHard } = await agentProcess(t, { orphanGraceMs: 1000 });
    const ctl = await TestController.open(address);
    const [launched] = await ctl.launch([spec]);
    assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
    await ctl.transition('CONFIGURE', [{ taskId: id }]);
    ctl.close();
    await killHard();
    const lines = await waitForLine(launched!.logPath, /^conformance: exit code \d+$/, 20_000);
    assert.ok(lines.includes('conformance: exit code 1'), lines.join('\n'));
    assert.ok(
      lines.some((l) => /BATON_ORPHAN_GRACE_MS/.test(l) && /orphan/i.test(l)),
      `the task says why it left:\n${lines.join('\n')}`,
    );
    for (let i = 0; i < 40 && pidAlive(launched!.pid); i++) await sleep(50);
    assert.equal(pidAlive(launched!.pid), false, 'the task is gone, not left running as an orphan');
  });

  test(`${sdk}: a task the new agent does not know is refused on every re-dial and leaves with exit 1`, async (t) => {
    const id = `env-test/${sdk}-stranger`;
    const spec = exitCodeLoggingSpec(sdk, id);
    const { opts, address, killHard } = await agentProcess(t);
    const ctl = await TestController.open(address);
    const [launched] = await ctl.launch([spec]);
    assert.equal(launched!.kind, 'launched', JSON.stringify(launched!.error));
    ctl.close();
    await killHard();
    fs.rmSync(path.join(opts.home, 'agents', opts.name, 'tasks.json'), { force: true }); // the new agent forgets the task
    // ...and cannot tell it is one of its own: a process writing to its logs directory that it has
    // no record of is killed as a stray when it starts (stray-tasks.ts), so the log is moved out
    // (the open file follows) to test the task's side of a refused re-dial
    const logPath = path.join(opts.home, 'moved-out.log');
    fs.renameSync(launched!.logPath, logPath);
    const agent = await startAgent(opts);
    try {
      const lines = await waitForLine(logPath, /^conformance: exit code \d+$/, 20_000);
      assert.ok(lines.includes('conformance: exit code 1'), lines.join('\n'));
    } finally {
      await agent.stop();
    }
  });
}
