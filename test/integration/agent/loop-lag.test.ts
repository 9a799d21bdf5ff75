// The heartbeat's loop delay (loop_lag_max_ms) reports a single stall of the agent's event loop in
// the next heartbeat: a stall that begins right after a heartbeat left (when the old monitor had
// just been reset and lost the interval it was in), and one of an agent process stopped with
// SIGSTOP at no particular moment. Stalls of X ms must read as at least X/2 ms: that is what the
// controller is told, not a speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, startTestAgent, TestController } from './harness.js';
import { agentProcess } from './agent-process.js';

const STALL_MS = 400;
const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-main.js');

/** Blocks this process's event loop (the agent embedded in it with it). */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* a busy agent */
  }
}

test('a stall right after a heartbeat shows in the next heartbeat', async (t) => {
  const { home, agent } = await startTestAgent();
  const ctl = await TestController.open(agent.address);
  t.after(async () => {
    ctl.close();
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  for (let round = 0; round < 3; round++) {
    const seen = ctl.heartbeats.length;
    await ctl.waitFor(() => ctl.heartbeats.length > seen, 5000, 'a heartbeat');
    const next = ctl.heartbeats.length;
    stall(STALL_MS); // the agent has just read and started a new window
    const hb = await ctl.waitFor(() => ctl.heartbeats[next], 5000, 'the heartbeat after the stall');
    assert.ok(hb.loopLagMaxMs >= STALL_MS / 2, `round ${round}: a ${STALL_MS} ms stall reported as ${hb.loopLagMaxMs} ms`);
  }
});

test('an agent stopped (SIGSTOP) for a moment reports the stall in its next heartbeat', async (t) => {
  const { proc, address } = await agentProcess(t);
  const ctl = await TestController.open(address);
  t.after(() => ctl.close());
  for (const pauseMs of [150, 550, 900]) {
    // stop it at different points of its heartbeat window
    const seen = ctl.heartbeats.length;
    await ctl.waitFor(() => ctl.heartbeats.length > seen, 5000, 'a heartbeat');
    await sleep(pauseMs);
    const next = ctl.heartbeats.length;
    proc.kill('SIGSTOP');
    await sleep(STALL_MS);
    proc.kill('SIGCONT');
    // the first heartbeat the agent sends after it runs again (one may have left before the stop)
    const hb = await ctl.waitFor(
      () => ctl.heartbeats.slice(next).find((h) => h.loopLagMaxMs >= STALL_MS / 2) ?? (ctl.heartbeats.length > next + 1 && ctl.heartbeats[next + 1]),
      5000,
      'a heartbeat after the stall',
    );
    assert.ok(
      hb.loopLagMaxMs >= STALL_MS / 2,
      `stopped ${STALL_MS} ms after ${pauseMs} ms: reported ${hb.loopLagMaxMs} ms (heartbeats since: ${ctl.heartbeats
        .slice(next)
        .map((h) => h.loopLagMaxMs)
        .join(', ')})`,
    );
  }
});
