// DEPLOY as setup for a benchmark that measures something else. On a loaded 2-core machine an
// agent can be declared down while it spawns tasks, which fails the DEPLOY; then the environment
// is destroyed and created again (RECOVER cannot be used: it relaunches tasks the agents still
// run, see docs/performance.md), and the failures are reported with the figures.
import type { BenchClient } from './client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function deployForSetup(c: BenchClient, create: () => Promise<string>, tries = 3): Promise<{ envId: string; ms: number; failures: string[] }> {
  const failures: string[] = [];
  for (let i = 0; i < tries; i++) {
    const envId = await create();
    const t0 = performance.now();
    try {
      await c.transition(envId, 'DEPLOY', 300_000);
      return { envId, ms: performance.now() - t0, failures };
    } catch (e) {
      failures.push((e as Error).message);
      // wait for the agents to be back, then throw the environment away
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const info = await c.info();
        if (info.nodesUp === info.nodesTotal) break;
        await sleep(250);
      }
      await c.unary('destroyEnvironment', { id: envId, force: false }, 120_000).catch(() => c.unary('destroyEnvironment', { id: envId, force: true }, 60_000));
    }
  }
  throw new Error(`setup: ${tries} attempts to deploy failed: ${failures.join(' | ')}`);
}
