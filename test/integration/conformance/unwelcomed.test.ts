// Every SDK's task when its agent is killed -9 between the spawn and the task's hello (the chaos
// suite's "no process left behind" finding: an agent kill inside a RECOVER that relaunched a
// controlled task). Such a launch was never reported: an agent reports a controlled task once it
// said hello, and the controller counts the launch failed. The task used to re-dial for its whole
// orphan grace (5 min by default) while nobody knew its pid; it now leaves after three calls
// without a welcome, and the next agent neither adopts it nor leaves anything of it running.
// The hello is held back by a shell that waits for a gate file, so the kill always falls in that
// window; the orphan grace is two minutes, so a task that waits it out fails the test.
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { startAgent } from '../../../core/agent/main.js';
import type { LaunchSpec } from '../../../core/rpc/gen/agent.js';
import { killGroupsAfter, sleep, TestController } from '../agent/harness.js';
import { scanTaskProcesses } from '../../support/task-processes.js';
import { agentProcess, exitCodeLoggingSpec, selectedSdks, waitForLine } from './harness.js';

const ORPHAN_GRACE_MS = 120_000;

function describe(pid: number): string {
  try {
    return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ')}`;
  } catch {
    return `${pid} (gone)`;
  }
}

/** the task's program, run only once `gate` exists (then as exitCodeLoggingSpec runs it) */
function gatedSpec(spec: LaunchSpec, gate: string): LaunchSpec {
  const [, script, ...rest] = spec.args; // exitCodeLoggingSpec: /bin/sh -c <script> <command> <args...>
  return { ...spec, args: ['-c', `while [ ! -e "$BATON_TEST_GATE" ]; do sleep 0.05; done; ${script}`, ...rest], env: { ...spec.env, BATON_TEST_GATE: gate } };
}

/** the task's record in the agent's tasks.json, once there (the agent writes it after the spawn) */
async function recorded(tasksJson: string, id: string): Promise<{ pid: number; logPath: string }> {
  for (let i = 0; i < 200; i++) {
    try {
      const saved = JSON.parse(fs.readFileSync(tasksJson, 'utf8')) as { tasks: { id: string; pid: number; logPath: string }[] };
      const t = saved.tasks.find((x) => x.id === id);
      if (t) return t;
    } catch {
      /* not written yet, or being replaced */
    }
    await sleep(50);
  }
  assert.fail(`${id} never appeared in ${tasksJson}`);
}

for (const sdk of selectedSdks()) {
  test(`${sdk}: its agent killed -9 before the task said hello, the task leaves at once and nothing of it is left`, async (t) => {
    const id = `env-test/${sdk}-unwelcomed`;
    const { opts, address, killHard } = await agentProcess(t, { orphanGraceMs: ORPHAN_GRACE_MS });
    const gate = path.join(opts.home, 'gate');
    const ctl = await TestController.open(address);
    // the launch waits for the hello that never comes: its answer dies with the agent
    ctl.launch([gatedSpec(exitCodeLoggingSpec(sdk, id), gate)]).catch(() => {});
    const task = await recorded(path.join(opts.home, 'agents', opts.name, 'tasks.json'), id);
    killGroupsAfter(t, () => [task.pid]); // a task that waits out its grace must not outlive a failed test
    ctl.close();
    await killHard();
    fs.writeFileSync(gate, '');

    const lines = await waitForLine(task.logPath, /^conformance: exit code \d+$/, 20_000);
    assert.ok(lines.includes('conformance: exit code 1'), lines.join('\n'));
    assert.ok(
      lines.some((l) => /no agent ever welcomed this task/.test(l)),
      `the task says why it left:\n${lines.join('\n')}`,
    );

    const agent = await startAgent(opts);
    try {
      const next = await TestController.open(agent.address);
      const info = next.hello!.tasks.find((x) => x.taskId === id);
      assert.ok(!info || info.exit?.exited, `the next agent runs no ${id}: ${JSON.stringify(info)}`);
      next.close();
      const left = scanTaskProcesses(id);
      assert.deepEqual(left, [], `no process of ${id} is left: ${left.map(describe).join('; ')}`);
    } finally {
      await agent.stop();
    }
  });
}
