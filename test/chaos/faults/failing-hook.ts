// A failing hook: the flag file of one of the workflow's critical exec hooks is set and the
// transition it belongs to is run. A hook before a transition cancels it (the state stays), one
// after it puts the environment in ERROR; the failure must name the hook.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transition } from '../client.js';
import type { RestState } from '../env-loop.js';
import { HOOK_TRIGGERS, hookName } from '../workflows.js';
import type { Fault } from './types.js';

const FROM: Record<string, RestState> = { CONFIGURE: 'DEPLOYED', START_ACTIVITY: 'CONFIGURED', STOP_ACTIVITY: 'RUNNING' };

export const failingHook: Fault = async (ctx) => {
  const { loop, rng, stack } = ctx;
  const trigger = rng.pick(HOOK_TRIGGERS);
  const [when, ...rest] = trigger.split('_');
  const name = rest.join('_');
  const from = FROM[name]!;
  await loop.reach(from);
  const hook = hookName(trigger);
  const flag = path.join(stack.flagsDir, `${loop.envId}-${hook}`);
  fs.writeFileSync(flag, '');
  let r;
  try {
    r = await transition(stack.client, loop.envId, name, 30_000);
  } finally {
    fs.rmSync(flag, { force: true });
  }
  if (r.ok && r.runNumber) loop.announcedRuns.add(r.runNumber);
  const failures: { check: 'expectation'; detail: string }[] = [];
  if (r.ok || r.error?.code !== 'HOOK_FAILED' || !r.error.message.includes(hook)) {
    failures.push({ check: 'expectation', detail: `${name} with hook ${hook} failing: ${r.ok ? 'succeeded' : `${r.error?.code} ${r.error?.message}`}` });
  }
  const env = await loop.settle(30_000);
  const want = when === 'before' ? from : 'ERROR';
  if (env.state !== want) failures.push({ check: 'expectation', detail: `after ${hook} failed in ${name} the environment is ${env.state}, not ${want}` });
  return { injected: true, inside: false, detail: `hook ${hook} fails in ${name}: ${env.state}`, effectAt: Date.now(), failures, note: when };
};
