// The fault families and how often each loop draws them.
import type { LoopKind } from '../env-loop.js';
import { agentKill } from './agent-kill.js';
import { agentLongStop } from './agent-long-stop.js';
import { agentStop } from './agent-stop.js';
import { controllerKill } from './controller-kill.js';
import { failingHook } from './failing-hook.js';
import { fullDisk } from './full-disk.js';
import { slowTask } from './slow-task.js';
import { taskKill } from './task-kill.js';
import type { Fault } from './types.js';

export const FAULTS = {
  'task-kill': taskKill,
  'agent-kill': agentKill,
  'agent-stop': agentStop,
  'agent-long-stop': agentLongStop,
  'controller-kill': controllerKill,
  'slow-task': slowTask,
  'failing-hook': failingHook,
  'full-disk': fullDisk,
} satisfies Record<string, Fault>;

export type Family = keyof typeof FAULTS;

/** families that stop the world (the controller): run under the exclusive lock */
export const EXCLUSIVE: ReadonlySet<Family> = new Set(['controller-kill']);

/** `only` (CHAOS_ONLY=<family>): that family alone, to reproduce a finding. agent-long-stop is
 *  never drawn: it comes on its own schedule (agent-long-stop.ts, LongStopSchedule). */
export function weightsFor(kind: LoopKind, hasFullDisk: boolean, only?: string): Partial<Record<Family, number>> {
  const all = weightsOf(kind, hasFullDisk);
  if (!only) return all;
  const w = all[only as Family];
  return w ? ({ [only]: w } as Partial<Record<Family, number>>) : {};
}

function weightsOf(kind: LoopKind, hasFullDisk: boolean): Partial<Record<Family, number>> {
  const common: Partial<Record<Family, number>> = { 'task-kill': 28, 'agent-kill': 16, 'agent-stop': 14, 'controller-kill': 7, 'failing-hook': 13 };
  if (kind === 'daq') return common;
  return { ...common, 'slow-task': 14, ...(hasFullDisk ? { 'full-disk': 10 } : {}) };
}
