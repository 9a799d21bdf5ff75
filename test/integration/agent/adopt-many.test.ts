// kill -9 of the agent the moment a large launch is answered: every task answered launched must be
// in tasks.json (the agent answers a launch only once the table on disk holds the task), so the
// next agent adopts all of them. 400 tasks start over many of the table's coalesced writes, so a
// launch answered before its write would leave some task unadoptable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentProcess } from './agent-process.js';
import { startAgent } from '../../../core/agent/main.js';
import { groupLiving, killGroupsAfter, spec, TestController } from './harness.js';

const N = 400;

test(`after kill -9 right after a launch of ${N} basic tasks, the next agent adopts every one`, async (t) => {
  const { opts, address, killHard } = await agentProcess(t);
  const ctl = await TestController.open(address);
  const specs = Array.from({ length: N }, (_, i) => spec({ taskId: `env-test/many-${i}`, control: 'basic', command: '/bin/sleep', args: ['1000'] }));
  let pids: number[] = [];
  killGroupsAfter(t, () => pids);
  const launched = await ctl.launch(specs, 60_000, 120_000);
  await killHard(); // before anything else happens: no later write of tasks.json can help
  ctl.close();
  pids = launched.filter((u) => u.kind === 'launched').map((u) => u.pid);
  assert.equal(pids.length, N, `every task answered launched: ${JSON.stringify(launched.find((u) => u.kind !== 'launched')?.error)}`);

  const agent = await startAgent(opts);
  let stopped = false;
  t.after(() => (stopped ? undefined : agent.stop()));
  const ctl2 = await TestController.open(agent.address);
  const adopted = new Map(ctl2.hello!.tasks.map((x) => [x.taskId, x.pid]));
  for (const u of launched) assert.equal(adopted.get(u.taskId), u.pid, `task ${u.taskId} (pid ${u.pid}) adopted by the next agent`);
  ctl2.close();
  await agent.stop(); // kills the tasks it adopted
  stopped = true;
  assert.deepEqual(
    pids.filter((p) => groupLiving(p).length > 0),
    [],
    'the adopted tasks were killed when the agent stopped',
  );
});
