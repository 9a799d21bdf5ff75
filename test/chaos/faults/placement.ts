// Where a fault lands: a state at rest to inject between transitions, or a transition in flight
// to inject inside it (after a random delay within the transition's expected length).
import type { Environment } from '../../../core/rpc/gen/control.js';
import { transition, type TransitionResult } from '../client.js';
import type { RestState } from '../env-loop.js';
import { sleep } from '../random.js';
import type { FaultContext } from './types.js';

const INSIDE: { transition: string; from: RestState | 'STANDBY' | 'ERROR' }[] = [
  { transition: 'DEPLOY', from: 'STANDBY' },
  { transition: 'CONFIGURE', from: 'DEPLOYED' },
  { transition: 'START_ACTIVITY', from: 'CONFIGURED' },
  { transition: 'STOP_ACTIVITY', from: 'RUNNING' },
  { transition: 'RESET', from: 'CONFIGURED' },
  { transition: 'EXIT', from: 'CONFIGURED' },
  { transition: 'RECOVER', from: 'ERROR' },
];

/** a state at rest, RUNNING most often (where a night shift spends its time) */
export async function atRest(ctx: FaultContext): Promise<Environment> {
  const target = ctx.rng.weighted<RestState>({ RUNNING: 6, CONFIGURED: 2, DEPLOYED: 2 });
  return ctx.loop.reach(target);
}

export interface Inside {
  transition: string;
  delayMs: number;
  result: TransitionResult;
  detail: string;
}

/** starts a transition, runs `inject` after a random delay while it is in flight, then awaits both */
export async function inside(ctx: FaultContext, inject: () => Promise<string>): Promise<Inside> {
  // CHAOS_INSIDE=<TRANSITION> narrows the faults inside transitions to one (to reproduce a finding)
  const only = process.env.CHAOS_INSIDE;
  const plan = ctx.rng.pick(only ? INSIDE.filter((p) => p.transition === only) : INSIDE);
  const { loop, rng } = ctx;
  if (plan.from === 'ERROR') {
    await loop.reach('RUNNING');
    const r = await loop.step('GO_ERROR');
    if (!r.ok) throw new Error(`GO_ERROR failed: ${r.error?.message}`);
    await loop.settle(30_000);
  } else {
    await loop.reach(plan.from);
  }
  const launches = plan.transition === 'DEPLOY' || plan.transition === 'RECOVER';
  const maxDelay = launches ? 1500 : loop.kind === 'plain' ? loop.slowMs + 100 : 150;
  const delayMs = rng.int(0, maxDelay);
  const pending = transition(ctx.stack.client, loop.envId, plan.transition, 30_000);
  await sleep(delayMs);
  const detail = await inject();
  const result = await pending;
  if (result.ok && result.runNumber) loop.announcedRuns.add(result.runNumber);
  return { transition: plan.transition, delayMs, result, detail };
}
