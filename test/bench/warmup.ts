// A stack that has served before. The controller and agents are long-running services: by the
// time a shifter configures a run they have deployed and cycled environments for hours. A stack
// started for one measurement spends its first ~100 transitions compiling its own hot paths
// instead (V8 optimizes the same functions in all agents at once: perf showed up to 50 ms of
// agent JIT threads in one transition). So a benchmark that measures transitions first cycles an
// environment of the same size and throws it away; the measured tasks are new processes, as
// they are at every run. The warm-up's own figures are those of a fresh stack, reported apart.
import type { BenchClient } from './client.js';
import { deployForSetup } from './deploy.js';
import { summarize, type Summary } from './stats.js';

export interface WarmUp {
  cycles: number;
  /** per transition, over the warm-up's cycles (fresh controller and agents, fresh tasks) */
  fresh: Record<'CONFIGURE' | 'RESET', Summary>;
  /** why the warm-up did not run to its end (the measurement goes on without it) */
  failure?: string;
}

/** Creates, deploys, cycles `cycles` times, and EXITs an environment of `workflow` with `vars`. */
export async function serveOnce(c: BenchClient, workflow: string, vars: Record<string, string>, cycles: number): Promise<WarmUp> {
  const ms: Record<'CONFIGURE' | 'RESET', number[]> = { CONFIGURE: [], RESET: [] };
  const result = (failure?: string): WarmUp => ({
    cycles,
    fresh: { CONFIGURE: summarize(ms.CONFIGURE), RESET: summarize(ms.RESET) },
    ...(failure ? { failure } : {}),
  });
  let envId = '';
  try {
    envId = (await deployForSetup(c, async () => (await c.create(workflow, vars)).id, 2)).envId;
    for (let i = 0; i < cycles; i++) {
      for (const t of ['CONFIGURE', 'RESET'] as const) ms[t].push((await c.transition(envId, t, 30_000)).ms);
    }
    await c.transition(envId, 'EXIT', 60_000);
    return result();
  } catch (e) {
    if (envId) await c.unary('destroyEnvironment', { id: envId, force: true }, 60_000).catch(() => undefined);
    return result((e as Error).message);
  }
}

export interface ServedUp {
  /** DEPLOY + CONFIGURE + START_ACTIVITY of the first environment, on the fresh stack; null if it failed */
  upMs: number | null;
  stepsMs: Record<string, number>;
  failure?: string;
}

/** Brings an environment of `workflow` with `vars` up to RUNNING and back down to DONE once. */
export async function serveUpOnce(c: BenchClient, workflow: string, vars: Record<string, string>): Promise<ServedUp> {
  const stepsMs: Record<string, number> = {};
  let envId = '';
  try {
    envId = (await c.create(workflow, vars)).id;
    const t0 = performance.now();
    for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) stepsMs[t] = (await c.transition(envId, t, 600_000)).ms;
    const upMs = performance.now() - t0;
    for (const t of ['STOP_ACTIVITY', 'RESET', 'EXIT']) await c.transition(envId, t, 600_000);
    return { upMs, stepsMs };
  } catch (e) {
    if (envId) await c.unary('destroyEnvironment', { id: envId, force: true }, 60_000).catch(() => undefined);
    return { upMs: null, stepsMs, failure: (e as Error).message };
  }
}
