// kill -9 of the controller, between transitions or inside one (a ControlEnvironment stream in
// flight), restarted after up to a second. Run alone: every other loop waits (FaultLock).
import { sleep } from '../random.js';
import { atRest, inside } from './placement.js';
import type { Fault, FaultContext } from './types.js';

async function killAndRestart(ctx: FaultContext): Promise<number> {
  await ctx.stack.killController();
  ctx.events.reset();
  await sleep(ctx.rng.int(0, 1000));
  await ctx.stack.restartController();
  ctx.events.ensure();
  return Date.now();
}

export const controllerKill: Fault = async (ctx) => {
  if (ctx.rng.chance(0.4)) {
    const env = await atRest(ctx);
    const effectAt = await killAndRestart(ctx);
    return { injected: true, inside: false, detail: `kill -9 controller in ${env.state}`, effectAt, global: true };
  }
  let effectAt = 0;
  const r = await inside(ctx, async () => {
    effectAt = await killAndRestart(ctx);
    return 'controller';
  });
  return { injected: true, inside: true, detail: `kill -9 controller ${r.delayMs} ms into ${r.transition}`, effectAt, global: true, note: r.transition };
};
