// A full log disk: the plain agent's log filesystem filled to the last byte, the environment
// kept RUNNING (its controlled task logs a line a second) or taken through a transition (each
// task logs its transitions); freed after the state checks. Only where a real size-limited
// filesystem could be mounted (see log-disk.ts), and only on the loop whose agent has it.
import { fillLogDisk, freeLogDisk, logDiskFull } from '../log-disk.js';
import { sleep } from '../random.js';
import { atRest, inside } from './placement.js';
import type { Fault } from './types.js';

export const fullDisk: Fault = async (ctx) => {
  const disk = ctx.stack.logDisk;
  const failures: { check: 'harness'; detail: string }[] = [];
  const free = async () => freeLogDisk(disk);
  if (ctx.rng.chance(0.5)) {
    const env = await atRest(ctx);
    fillLogDisk(disk);
    if (!logDiskFull(disk)) failures.push({ check: 'harness', detail: 'the log disk did not fill' });
    await sleep(1500);
    return { injected: true, inside: false, detail: `log disk full in ${env.state}`, effectAt: Date.now(), failures, afterChecks: free };
  }
  let filled = false;
  const r = await inside(ctx, async () => {
    fillLogDisk(disk);
    filled = logDiskFull(disk);
    return 'log disk';
  });
  if (!filled) failures.push({ check: 'harness', detail: 'the log disk did not fill' });
  return {
    injected: true,
    inside: true,
    detail: `log disk full ${r.delayMs} ms into ${r.transition}: ${r.result.ok ? 'ok' : r.result.error?.code}`,
    effectAt: Date.now(),
    failures,
    afterChecks: free,
    note: r.transition,
  };
};
