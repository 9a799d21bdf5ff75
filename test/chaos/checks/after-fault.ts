// The checks after each fault, in order: the state is truthful within 2 s of the fault's effect;
// the environment comes to rest; truthful again at rest; a run that had to survive did; no
// orphan process; the operator gets back to RUNNING or DONE with at most one RECOVER; run
// numbers unique, monotonic, none lost, none open without running tasks.
import type { Environment } from '../../../core/rpc/gen/control.js';
import type { EnvLoop } from '../env-loop.js';
import { killAll } from '../proc-scan.js';
import { sleep } from '../random.js';
import type { Recorder } from '../results.js';
import type { RunEvents } from '../run-events.js';
import type { ChaosStack } from '../stack.js';
import type { FaultReport } from '../faults/types.js';
import { describeProcess, orphans } from './orphans.js';
import { checkRuns } from './runs.js';
import { snapshot } from './snapshot.js';
import { contradictions } from './truthful.js';
import { getEnvironment, listRuns } from '../client.js';

/** the window the issue gives the controller to tell the truth */
export const TRUTH_WINDOW_MS = 2000;

export interface CheckContext {
  stack: ChaosStack;
  loop: EnvLoop;
  events: RunEvents;
  recorder: Recorder;
  /** every loop, for the run numbers they were given */
  loops: EnvLoop[];
}

async function truthfulBy(c: CheckContext, scope: Set<string> | null, deadline: number): Promise<string[]> {
  let last: string[] = [];
  for (;;) {
    try {
      last = contradictions(await snapshot(c.stack), scope);
      if (!last.length) return [];
    } catch (e) {
      last = [`the controller did not answer: ${(e as Error).message}`];
    }
    if (Date.now() > deadline) return last;
    await sleep(150);
  }
}

/** how long a process may stay unowned before it counts as an orphan: a launch or a kill under
 *  way in another loop, or a controlled task of a dead agent that gives up after its refusals */
export const ORPHAN_BOUND_MS = 15_000;

export async function orphanCheck(c: CheckContext, fault: number, family: string): Promise<void> {
  const first = orphans(await snapshot(c.stack));
  if (!first.length) return;
  const since = Date.now();
  let left = first;
  while (left.length && Date.now() - since < ORPHAN_BOUND_MS) {
    await sleep(1000);
    const again = new Map(orphans(await snapshot(c.stack)).map((p) => [p.pid, p]));
    left = left.filter((p) => again.has(p.pid)).map((p) => again.get(p.pid)!);
  }
  const gone = first.length - left.length;
  if (gone) c.recorder.note(family, 'unowned processes that ended by themselves within the bound');
  for (const p of left) c.recorder.fail(fault, family, 'orphan', `${describeProcess(p)}, unowned for ${ORPHAN_BOUND_MS / 1000} s`);
  killAll(left.map((p) => p.pid));
}

export async function runCheck(c: CheckContext, fault: number, family: string): Promise<void> {
  const announced = () => c.loops.flatMap((l) => [...l.announcedRuns]);
  let f = checkRuns(await snapshot(c.stack, true), c.events, announced());
  // another loop's START or STOP may be ending: a run open without its tasks counts if it lasts
  const until = Date.now() + TRUTH_WINDOW_MS;
  while (f.openWithoutTasks.length && Date.now() < until) {
    await sleep(200);
    f = checkRuns(await snapshot(c.stack, true), c.events, announced());
  }
  for (const d of f.duplicate) c.recorder.fail(fault, family, 'duplicate-run', d);
  for (const d of f.lost) c.recorder.fail(fault, family, 'lost-run', d);
  for (const d of f.notMonotonic) c.recorder.fail(fault, family, 'run-order', d);
  for (const d of f.openWithoutTasks) c.recorder.fail(fault, family, 'open-run-without-tasks', d);
}

export async function afterFault(c: CheckContext, fault: number, family: string, report: FaultReport, before: Map<string, Environment>): Promise<void> {
  const { recorder, loop } = c;
  c.events.ensure();
  const scope = report.global ? null : new Set([loop.envId]);
  const fail = (check: Parameters<Recorder['fail']>[2], detail: string) => recorder.fail(fault, family, check, `${detail} [after: ${report.detail}]`);

  for (const d of await truthfulBy(c, scope, Math.max(report.effectAt + TRUTH_WINDOW_MS, Date.now() + 300))) fail('contradiction', d);
  let rested = true;
  try {
    await loop.settle(60_000);
  } catch (e) {
    rested = false;
    fail('stuck', (e as Error).message);
  }
  if (rested) for (const d of await truthfulBy(c, scope, Date.now() + TRUTH_WINDOW_MS)) fail('contradiction', `at rest: ${d}`);

  if (report.runToKeep) {
    const run = (await listRuns(c.stack.client)).find((r) => r.runNumber === report.runToKeep);
    const env = await loop.env();
    if (run?.state !== 'open' || env.runNumber !== report.runToKeep) {
      fail(
        'aborted-within-grace',
        `run ${report.runToKeep} is ${run?.state ?? 'missing'}, the environment ${env.state} with run ${env.runNumber ?? 'none'} (${env.error?.code ?? ''} ${env.error?.message ?? ''})`,
      );
    }
  }

  // a controller restart: the other environments must be as they were
  if (report.global) {
    for (const [id, was] of before) {
      if (id === loop.envId) continue;
      const now = await getEnvironment(c.stack.client, id).catch(() => null);
      if (now && now.state !== was.state)
        fail('recovery', `${id} was ${was.state} before the controller restart and is ${now.state} after (${now.error?.message ?? ''})`);
    }
  }

  await orphanCheck(c, fault, family);
  await report.afterChecks?.();

  try {
    const r = await loop.operator();
    recorder.recovers += r.recovers;
    if (!r.ok) fail('recovery', `${r.why}; steps: ${r.steps.join(', ')}; state ${r.state}`);
  } catch (e) {
    fail('recovery', (e as Error).message);
  }
  await runCheck(c, fault, family);
}
