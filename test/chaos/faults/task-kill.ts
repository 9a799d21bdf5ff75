// kill -9 of one task process of the environment, between transitions or inside one.
import { alive } from '../proc-scan.js';
import { atRest, inside } from './placement.js';
import type { Fault, FaultContext } from './types.js';

async function killOne(ctx: FaultContext): Promise<string> {
  const env = await ctx.loop.env();
  const candidates = env.tasks.filter((t) => t.pid > 0 && alive(t.pid));
  if (!candidates.length) return '';
  const t = ctx.rng.pick(candidates);
  process.kill(t.pid, 'SIGKILL');
  return `${t.name} (pid ${t.pid}, ${t.state})`;
}

export const taskKill: Fault = async (ctx) => {
  if (ctx.rng.chance(0.5)) {
    await atRest(ctx);
    const detail = await killOne(ctx);
    return { injected: !!detail, inside: false, detail: `kill -9 ${detail}`, effectAt: Date.now() };
  }
  let at = 0;
  const r = await inside(ctx, async () => {
    const d = await killOne(ctx);
    at = Date.now();
    return d;
  });
  return { injected: !!r.detail, inside: true, detail: `kill -9 ${r.detail} ${r.delayMs} ms into ${r.transition}`, effectAt: at, note: r.transition };
};
