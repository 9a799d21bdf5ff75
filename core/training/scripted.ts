// The scripted trainee: performs a step's `trainee` actions in order, as a shifter would from the
// CLI. CI runs every walkthrough with it, so a walkthrough that no longer matches Baton fails.
import { setTimeout as sleep } from 'node:timers/promises';
import { BatonError } from '../model/errors.js';
import type { ControlConnection } from '../rpc/control-client.js';
import { holds, nodeNameOf, placeholdersOf, substitute, taskOf, describe } from './conditions.js';
import { durationMs } from './faults.js';
import type { Live } from './live.js';
import type { TraineeAction } from './types.js';

export interface ScriptedContext {
  control: ControlConnection;
  live: Live;
  /** the step's first event: a wait_for an event sees the whole step's */
  firstEvent: number;
  transition(envId: string, name: string): Promise<void>;
  answer(text: string): void;
  /** `baton local up` on the training stack's home (repair_stack) */
  repair(): Promise<void>;
}

const WAIT_FOR_MS = 90_000;

async function taskId(c: ScriptedContext, role: string): Promise<string> {
  const t = taskOf(await c.live.view(), role);
  if (!t) throw new BatonError('NOT_FOUND', `the scripted trainee found no task ${role} in environment ${c.live.envId}`, { where: role });
  return t.id;
}

/** the node holding (or last holding) a role's task: cordon, drain and uncordon act on it */
export async function nodeOfRole(c: ScriptedContext, role: string): Promise<string> {
  const node = nodeNameOf(await c.live.view(), role);
  if (!node) throw new BatonError('NOT_FOUND', `the trainee found no node holding ${role} in environment ${c.live.envId}`, { where: role });
  return node;
}

/** Waits until the condition holds (a wait_for), or fails naming it. */
export async function waitFor(c: ScriptedContext, condition: Extract<TraineeAction, { wait_for: unknown }>): Promise<void> {
  const until = Date.now() + WAIT_FOR_MS;
  while (!holds(condition.wait_for, { view: await c.live.view(), events: c.live.events.slice(c.firstEvent) })) {
    if (Date.now() > until)
      throw new BatonError('TIMEOUT', `the trainee waited ${WAIT_FOR_MS / 1000} s for ${describe(condition.wait_for)}`, { where: 'trainee' });
    await sleep(200);
  }
}

export async function performScripted(actions: readonly TraineeAction[], c: ScriptedContext): Promise<void> {
  for (const a of actions) {
    if ('transition' in a) {
      // a press that fails is the trainee's experience, not the walkthrough's failure: the step's
      // condition judges (a walkthrough may ask for a transition that must fail)
      await c.transition(c.live.envId, a.transition).catch(() => undefined);
    } else if ('kill_task' in a) await c.control.call('killTask', { id: await taskId(c, a.kill_task.role), signal: 'SIGKILL' });
    else if ('exclude' in a) await c.control.call('excludeRole', { envId: c.live.envId, role: a.exclude.role, timeoutMs: 0 });
    else if ('include' in a) await c.control.call('includeRole', { envId: c.live.envId, role: a.include.role, timeoutMs: 0 });
    else if ('take_over' in a) await c.control.call('takeEnvironment', { id: c.live.envId, reason: a.take_over.reason });
    else if ('cordon' in a) await c.control.call('cordonNode', { name: await nodeOfRole(c, a.cordon.of) });
    else if ('drain' in a) await c.control.call('drainNode', { name: await nodeOfRole(c, a.drain.of) });
    else if ('uncordon' in a) await c.control.call('uncordonNode', { name: await nodeOfRole(c, a.uncordon.of) });
    else if ('repair_stack' in a) await c.repair();
    else if ('answer' in a) c.answer(substitute(a.answer, placeholdersOf(await c.live.view())));
    else if ('wait' in a) await sleep(durationMs(a.wait));
    else await waitFor(c, a);
  }
}
