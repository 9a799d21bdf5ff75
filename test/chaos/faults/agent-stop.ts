// SIGSTOP of an agent, then SIGCONT: mostly for a second or two (below the heartbeat timeout),
// some past the heartbeat timeout (the node is SUSPECT), a few long ones (up to 13.5 s, or near the
// grace when it is shorter; agent-long-stop.ts has the longer ones); always within the agent-loss
// grace, so the run must survive.
import { sleep } from '../random.js';
import { LONG_STOP_FROM_MS } from './agent-long-stop.js';
import { atRest, inside } from './placement.js';
import type { Fault, FaultContext } from './types.js';

function duration(ctx: FaultContext): { ms: number; note: string } {
  const { heartbeatTimeoutMs: hb, agentLossGraceMs: grace } = ctx.times;
  // longer stops are the agent-long-stop family's (a grace above 40 s, a few per run)
  const top = Math.min(grace - 1500, LONG_STOP_FROM_MS);
  const kind = ctx.rng.weighted({ short: 65, suspect: 25, long: 10 });
  if (kind === 'short') return { ms: ctx.rng.int(1000, Math.max(1000, hb - 400)), note: 'stop below the heartbeat timeout' };
  if (kind === 'suspect') return { ms: ctx.rng.int(hb + 300, Math.max(hb + 300, Math.round(top * 0.6))), note: 'stop past the heartbeat timeout' };
  return { ms: ctx.rng.int(Math.round(top * 0.6), top), note: 'long stop, near the grace' };
}

async function stopFor(ctx: FaultContext, ms: number): Promise<string> {
  const name = ctx.rng.pick(ctx.loop.agentNames);
  const agent = ctx.stack.agent(name);
  agent.signal('SIGSTOP');
  try {
    await sleep(ms);
  } finally {
    agent.signal('SIGCONT');
  }
  return name;
}

export const agentStop: Fault = async (ctx) => {
  const d = duration(ctx);
  if (ctx.rng.chance(0.8)) {
    const env = await atRest(ctx);
    const name = await stopFor(ctx, d.ms);
    return {
      injected: true,
      inside: false,
      detail: `SIGSTOP agent ${name} for ${d.ms} ms in ${env.state}`,
      effectAt: Date.now(),
      runToKeep: env.state === 'RUNNING' ? env.runNumber : undefined,
      note: d.note,
    };
  }
  let effectAt = 0;
  const r = await inside(ctx, async () => {
    const name = await stopFor(ctx, d.ms);
    effectAt = Date.now();
    return name;
  });
  return { injected: true, inside: true, detail: `SIGSTOP agent ${r.detail} for ${d.ms} ms, ${r.delayMs} ms into ${r.transition}`, effectAt, note: d.note };
};
