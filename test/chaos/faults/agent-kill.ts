// kill -9 of an agent holding the environment's tasks; restarted within the agent-loss grace
// (most times) or only after it (its tasks are then lost and the operator recovers; fewer of
// those with a long grace, afterGraceShare).
import { nodesBack } from '../nodes-back.js';
import { sleep } from '../random.js';
import { atRest, inside } from './placement.js';
import type { Fault, FaultContext } from './types.js';

async function victim(ctx: FaultContext): Promise<string> {
  const env = await ctx.loop.env();
  const holding = ctx.loop.agentNames.filter((n) => env.tasks.some((t) => t.node === n));
  return ctx.rng.pick(holding.length ? holding : ctx.loop.agentNames);
}

async function killAndRestart(ctx: FaultContext, name: string, withinGrace: boolean): Promise<number> {
  const agent = ctx.stack.agent(name);
  await agent.kill9();
  const grace = ctx.times.agentLossGraceMs;
  await sleep(withinGrace ? ctx.rng.int(0, Math.min(grace / 2, 3000)) : grace + 1000);
  await agent.start();
  const at = Date.now();
  // past the grace the operator waits for the node to show up again before acting
  if (!withinGrace) await nodeUp(ctx, name, 20_000);
  return at;
}

async function nodeUp(ctx: FaultContext, name: string, boundMs: number): Promise<void> {
  if ((await nodesBack(ctx.stack.client, [name], boundMs)).length) throw new Error(`node ${name} not up ${boundMs} ms after its agent was restarted`);
}

/**
 * 12% of the kills come back after the grace at the suite's usual 15 s grace; with a longer grace
 * (a run with long stops, 45 s) proportionally fewer, so that they cost the run the same time.
 */
function afterGraceShare(graceMs: number): number {
  return 0.12 * Math.min(1, 15_000 / graceMs);
}

export const agentKill: Fault = async (ctx) => {
  const withinGrace = !ctx.rng.chance(afterGraceShare(ctx.times.agentLossGraceMs));
  const note = withinGrace ? 'back within the grace' : 'back after the grace';
  if (ctx.rng.chance(0.6)) {
    const env = await atRest(ctx);
    const name = await victim(ctx);
    const effectAt = await killAndRestart(ctx, name, withinGrace);
    return {
      injected: true,
      inside: false,
      detail: `kill -9 agent ${name} in ${env.state}, ${note}`,
      effectAt,
      runToKeep: withinGrace && env.state === 'RUNNING' ? env.runNumber : undefined,
      note,
    };
  }
  let effectAt = 0;
  const r = await inside(ctx, async () => {
    const name = await victim(ctx);
    effectAt = await killAndRestart(ctx, name, withinGrace);
    return name;
  });
  return {
    injected: true,
    inside: true,
    detail: `kill -9 agent ${r.detail} ${r.delayMs} ms into ${r.transition}, ${note}`,
    effectAt,
    note: `${r.transition}, ${note}`,
  };
};
