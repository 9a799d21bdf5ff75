// The chaos suite's smoke run (npm run chaos is the full one): 55 faults of every family over
// daq-chain and the plain-process workflow, on a real controller and real agents in processes of
// their own, with the agent-loss grace lowered to 12 s and the heartbeat timeout to 2 s so that
// the long faults stay short. Every invariant must hold: no orphan process, no contradiction
// between the controller's view and /proc after 2 s, run numbers unique, monotonic and none lost,
// no open run without running tasks, back to RUNNING or DONE with at most one RECOVER, and no
// run aborted by an agent that came back within the grace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChaos } from '../../chaos/runner.js';

const FAULTS = 55;

test(`chaos smoke: ${FAULTS} faults, every invariant holds`, { timeout: 600_000 }, async () => {
  const r = await runChaos({
    count: FAULTS,
    timeLimitMs: 360_000,
    seed: Number(process.env.CHAOS_SEED) || 20261202,
    times: { agentLossGraceMs: 12_000, heartbeatTimeoutMs: 2000 },
    command: 'node --test dist/test/integration/chaos/smoke.test.js',
  });
  const failures = r.failures.map((f) => `fault ${f.fault} ${f.family} ${f.check}: ${f.detail}`).join('\n');
  assert.ok(r.faults >= 50, `only ${r.faults} faults were injected (${r.notes.join('; ')})`);
  for (const family of ['task-kill', 'agent-kill', 'agent-stop', 'controller-kill', 'failing-hook', 'slow-task']) {
    assert.ok((r.families[family]?.count ?? 0) > 0, `no ${family} fault was injected`);
  }
  assert.deepEqual(r.totals, Object.fromEntries(Object.keys(r.totals).map((k) => [k, 0])), failures);
});
