// A long SIGSTOP of an agent (13.5-40 s), then SIGCONT, between transitions: the operator's
// "the machine froze for half a minute" (a hung NFS mount, a VM paused for a snapshot). It needs an
// agent-loss grace above 40 s, which makes every "agent back after the grace" fault as long, so
// such stops are few (--long-stops, a fixed number per run), spread over the run and on one loop
// only, while the other loops go on drawing their faults. The agent-stop family keeps the stops
// up to 13.5 s. The run must survive: the agent is back within the grace.
import { sleep } from '../random.js';
import { atRest } from './placement.js';
import type { Fault } from './types.js';

/** where the agent-stop family's stops end: this family covers the stops above it */
export const LONG_STOP_FROM_MS = 13_500;
/** the longest stop the issue names */
export const LONG_STOP_TO_MS = 40_000;
/** the grace a run with long stops needs: the longest stop, plus the margin the stops keep from it */
export const LONG_STOP_GRACE_MS = LONG_STOP_TO_MS + 5_000;

export const agentLongStop: Fault = async (ctx) => {
  const top = Math.min(ctx.times.agentLossGraceMs - 1500, LONG_STOP_TO_MS);
  const ms = ctx.rng.int(Math.min(LONG_STOP_FROM_MS, top), top);
  const env = await atRest(ctx);
  const name = ctx.rng.pick(ctx.loop.agentNames);
  const agent = ctx.stack.agent(name);
  agent.signal('SIGSTOP');
  try {
    await sleep(ms);
  } finally {
    agent.signal('SIGCONT');
  }
  return {
    injected: true,
    inside: false,
    detail: `SIGSTOP agent ${name} for ${ms} ms in ${env.state}`,
    effectAt: Date.now(),
    runToKeep: env.state === 'RUNNING' ? env.runNumber : undefined,
    note: `stop ${Math.floor(ms / 10_000) * 10}-${Math.floor(ms / 10_000) * 10 + 10} s`,
  };
};

/**
 * When the long stops come: `count` of them on one loop, the k-th once the run has injected
 * k/(count+1) of its faults, so they spread over the run and overlap the other loops' faults.
 */
export class LongStopSchedule {
  private given = 0;
  constructor(
    readonly count: number,
    private readonly totalFaults: number,
  ) {}

  /** a long stop is due now (faultsSoFar: the run's faults injected so far) */
  due(faultsSoFar: number): boolean {
    if (this.given >= this.count) return false;
    if (faultsSoFar < ((this.given + 1) * this.totalFaults) / (this.count + 1)) return false;
    this.given++;
    return true;
  }
}
