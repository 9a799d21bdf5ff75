// DEPLOY as setup for a benchmark that measures something else: if it fails (on a loaded 2-core
// machine agents can be declared down while they spawn), RECOVER as an operator would, and say so.
import type { BenchClient } from './client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function deployForSetup(c: BenchClient, envId: string, tries = 3): Promise<{ ms: number; failures: string[] }> {
  const failures: string[] = [];
  const t0 = performance.now();
  let transition = 'DEPLOY';
  for (let i = 0; i < tries; i++) {
    try {
      await c.transition(envId, transition, 300_000);
      return { ms: performance.now() - t0, failures };
    } catch (e) {
      failures.push(`${transition}: ${(e as Error).message}`);
      // wait for the agents to be back before RECOVER relaunches the lost tasks
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const info = await c.info();
        if (info.nodesUp === info.nodesTotal) break;
        await sleep(250);
      }
      const env = await c.getEnv(envId);
      if (env.state !== 'ERROR') throw e;
      transition = 'RECOVER';
    }
  }
  throw new Error(`setup: ${tries} attempts to deploy failed: ${failures.join(' | ')}`);
}
