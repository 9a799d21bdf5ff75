// A slow task: the plain workflow's controlled task answers every transition after slow_ms; the
// transition is given a deadline around that (sometimes shorter: it must time out and say so,
// sometimes longer: it must succeed). Plain loops only.
import { transition } from '../client.js';
import type { RestState } from '../env-loop.js';
import type { Fault } from './types.js';

const NEXT: Record<RestState, string> = { DEPLOYED: 'CONFIGURE', CONFIGURED: 'START_ACTIVITY', RUNNING: 'STOP_ACTIVITY' };

export const slowTask: Fault = async (ctx) => {
  const { loop, rng } = ctx;
  const from = rng.pick<RestState>(['DEPLOYED', 'CONFIGURED', 'RUNNING']);
  await loop.reach(from);
  const slow = loop.slowMs;
  const deadline = Math.max(20, Math.round(slow * (0.3 + rng.next() * 1.7)));
  const name = NEXT[from];
  const r = await transition(ctx.stack.client, loop.envId, name, deadline);
  if (r.ok && r.runNumber) loop.announcedRuns.add(r.runNumber);
  const failures: { check: 'expectation'; detail: string }[] = [];
  // the task alone takes `slow`; hooks and the agent add a little: only clear cases are judged
  if (r.ok && deadline < slow - 20)
    failures.push({ check: 'expectation', detail: `${name} with a ${deadline} ms deadline succeeded though the task takes ${slow} ms` });
  if (!r.ok && deadline > slow + 2000)
    failures.push({
      check: 'expectation',
      detail: `${name} with a ${deadline} ms deadline failed (task takes ${slow} ms): ${r.error?.code} ${r.error?.message}`,
    });
  return {
    injected: true,
    inside: false,
    detail: `${name} with deadline ${deadline} ms, task answers after ${slow} ms: ${r.ok ? 'ok' : r.error?.code}`,
    effectAt: Date.now(),
    failures,
    note: r.ok ? 'answered in time' : 'timed out',
  };
};
