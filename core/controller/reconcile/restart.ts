// A controller restarted after a crash finds, in the store, the transitions it was in the middle
// of (transitions/intent.ts). Each such environment is held (busy, as during a transition) until
// its tasks' true states are known: every agent holding its tasks said Hello (or was given up at
// the restore grace) and no task still owes the answer to the interrupted transition (the agent
// says so: TaskInfo.busy). Then the transition is completed (every task at the target), rolled
// back (every task still at the from-state), or, when the tasks disagree or are gone, the
// environment goes to ERROR with a reason naming them. The run follows the tasks: open iff they
// are RUNNING.
import type { ErrorDetailLike } from '../../model/errors.js';
import { ENV_STATES, taskStateForEnv, type EnvState } from '../../model/states.js';
import type { IntentRecord } from '../../store/store.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { TransitionCtx } from '../model/transition.js';
import { goError } from '../faults.js';
import { closeRun } from '../runs.js';
import { settled } from '../transitions/in-flight.js';
import { finishedBasic, taskGone } from '../transitions/presence.js';
import { describeTasks } from './describe.js';

export interface HeldEnv {
  env: EnvRuntime;
  intent: IntentRecord;
  ctx: TransitionCtx;
  /** nodes holding its tasks: each must have said Hello (or been given up) */
  nodes: Set<string>;
}

export type Outcome = 'completed' | 'rolled_back' | 'error';

const held = new WeakMap<ControllerCore, HeldEnv[]>();

/** Called by restore(): holds every environment whose transition a crash interrupted. */
export async function holdInterrupted(controller: ControllerCore): Promise<void> {
  const list: HeldEnv[] = [];
  for (const intent of await controller.store.listIntents()) {
    const env = controller.envs.get(intent.envId);
    if (!env) {
      await controller.store.deleteIntent(intent.envId); // destroyed meanwhile
      continue;
    }
    // settle bound: the agents' grace, then as long again as a transition may take
    const ctx = new TransitionCtx(env, intent.transition, Date.now() + controller.cfg.heartbeatTimeoutMs + controller.cfg.defaultTimeoutMs, () => {});
    ctx.expectExits = intent.transition === 'EXIT';
    ctx.tolerant = intent.transition === 'EXIT';
    env.ctx = ctx;
    const nodes = new Set<string>();
    for (const t of env.tasks) if (t.node) nodes.add(t.node);
    list.push({ env, intent, ctx, nodes });
    controller.emit({
      kind: 'env.reconcile',
      envId: env.id,
      transition: intent.transition,
      state: env.state,
      message: `the controller restarted during ${intent.transition} (${intent.fromState} -> ${intent.target}): waiting for the agents to report the tasks' states`,
      data: { phase: 'begin', from: intent.fromState, target: intent.target },
    });
  }
  held.set(controller, list);
}

export function heldEnvs(controller: ControllerCore): readonly HeldEnv[] {
  return held.get(controller) ?? [];
}

/** Whether the tasks' true states are known: their agents said Hello, and no answer is owed. */
function ready(controller: ControllerCore, h: HeldEnv, graceOver: boolean): boolean {
  for (const name of h.nodes) {
    const n = controller.nodes.get(name);
    if (n && !n.synced && !graceOver) return false;
  }
  for (const t of h.env.active) if (!settled(t)) return false;
  return true;
}

/** Decides every held environment that is ready (or past its bound). */
export async function settleHeld(controller: ControllerCore, graceOver: boolean): Promise<void> {
  const list = held.get(controller);
  if (!list?.length) return;
  const now = Date.now();
  const due = list.filter((h) => ready(controller, h, graceOver) || now >= h.ctx.deadlineMs);
  if (!due.length) return;
  held.set(
    controller,
    list.filter((h) => !due.includes(h)),
  );
  for (const h of due) await decide(controller, h);
}

interface Verdict {
  outcome: Outcome;
  state: EnvState;
  /** the run is kept open (tasks RUNNING) */
  keepRun: boolean;
  reason: string;
  odd: TaskRuntime[];
}

/** What the tasks say the interrupted transition did. */
export function judge(env: EnvRuntime, intent: IntentRecord): Verdict {
  const from = (ENV_STATES as readonly string[]).includes(intent.fromState) ? (intent.fromState as EnvState) : 'ERROR';
  const target = (ENV_STATES as readonly string[]).includes(intent.target) ? (intent.target as EnvState) : 'ERROR';
  const t = intent.transition;
  // a basic task that ended cleanly has done its work: it neither holds the decision back nor spoils it
  const counted = env.active.filter((x) => !finishedBasic(x));
  const present = counted.filter((x) => !taskGone(x) && x.state !== 'ERROR');
  const gone = counted.filter((x) => taskGone(x) || x.state === 'ERROR');
  const why = `the controller restarted during ${t}`;
  if (t === 'GO_ERROR') return { outcome: 'completed', state: 'ERROR', keepRun: false, reason: `${why}: GO_ERROR completed`, odd: [] };
  if (t === 'EXIT' || (from === 'STANDBY' && t === 'DEPLOY')) {
    // nothing left running: EXIT is done, DEPLOY never happened (its tasks were reaped)
    if (!present.length) {
      const state = t === 'EXIT' ? 'DONE' : 'STANDBY';
      return { outcome: t === 'EXIT' ? 'completed' : 'rolled_back', state, keepRun: false, reason: `${why}: no task is left running`, odd: [] };
    }
  }
  // non-critical tasks that failed may be missing (the environment is degraded); fatal ones may not
  const fatalGone = gone.filter((x) => env.isFatal(x));
  const allAt = (s: string | null) => s !== null && present.length > 0 && present.every((x) => x.state === s);
  if (!fatalGone.length && allAt(taskStateForEnv(target))) {
    return {
      outcome: 'completed',
      state: target,
      keepRun: target === 'RUNNING',
      reason: `${why}: every task had reached ${taskStateForEnv(target)}`,
      odd: gone,
    };
  }
  if (!fatalGone.length && from !== 'ERROR' && allAt(taskStateForEnv(from))) {
    return { outcome: 'rolled_back', state: from, keepRun: from === 'RUNNING', reason: `${why}: every task was still in ${taskStateForEnv(from)}`, odd: gone };
  }
  const odd = counted.filter((x) => taskGone(x) || x.state === 'ERROR' || (x.state !== taskStateForEnv(from) && x.state !== taskStateForEnv(target)));
  const named = odd.length ? odd : env.active;
  return {
    outcome: 'error',
    state: 'ERROR',
    keepRun: false,
    odd: named,
    reason: `${why} (${from} -> ${target}) and its tasks disagree: ${describeTasks(named)}`,
  };
}

/** The run record's end reason of a run a restart closes. */
function runEndReason(intent: IntentRecord, v: Verdict, cleanEnd: boolean, runReason: string): string {
  if (cleanEnd) return `stopped: ${runReason}`;
  if (v.outcome === 'error') return `aborted: ${v.reason}`;
  // START_ACTIVITY rolled back: its tasks never took START
  if (intent.transition === 'START_ACTIVITY' && v.outcome === 'rolled_back') return `aborted before start: ${runReason}`;
  return `aborted: ${runReason}`;
}

async function decide(controller: ControllerCore, h: HeldEnv): Promise<void> {
  const { env, intent, ctx } = h;
  ctx.stop();
  env.ctx = null;
  if (env.destroyed) return;
  const v = judge(env, intent);
  // the run the intent names: the environment's record may not have been written before the crash
  if (intent.runNumber !== null && env.runNumber === null && (intent.transition === 'START_ACTIVITY' || intent.transition === 'STOP_ACTIVITY')) {
    env.runNumber = intent.runNumber;
  }
  const runReason = `controller restarted during ${intent.transition}`;
  const cleanEnd = v.outcome === 'completed' && v.state !== 'ERROR';
  if (!v.keepRun && env.runNumber !== null) {
    await closeRun(controller, env, cleanEnd ? 'closed' : 'aborted', runReason, { endReason: runEndReason(intent, v, cleanEnd, runReason) });
  }
  const before = env.state;
  if (v.state === 'ERROR') {
    const goErrorDone = intent.transition === 'GO_ERROR';
    const detail: ErrorDetailLike = {
      code: goErrorDone ? 'GO_ERROR' : 'TASK_FAILED',
      message: goErrorDone ? `GO_ERROR requested (${v.reason})` : v.reason,
      envId: env.id,
      transition: intent.transition,
      data: {
        reconciled: 'true',
        tasks: v.odd
          .slice(0, 20)
          .map((x) => x.name)
          .join(','),
      },
    };
    if (env.state === 'ERROR') {
      env.error = detail;
      controller.envTouched(env);
    } else goError(controller, env, detail);
  } else {
    if (intent.transition === 'EXIT' && v.state === 'DONE') finishExit(controller, env);
    if (intent.transition === 'DEPLOY' && v.state === 'STANDBY') undoDeploy(controller, env);
    env.state = v.state;
    env.error = null;
    env.degraded = v.odd.length > 0;
    controller.envTouched(env);
    controller.emit({
      kind: 'env.state',
      envId: env.id,
      state: env.state,
      transition: intent.transition,
      data: { from: before, reconciled: 'true', degraded: String(env.degraded) },
    });
  }
  controller.emit({
    kind: 'env.reconciled',
    envId: env.id,
    transition: intent.transition,
    state: env.state,
    runNumber: env.runNumber ?? undefined,
    message: `${intent.transition} ${v.outcome === 'completed' ? 'completed' : v.outcome === 'rolled_back' ? 'rolled back' : 'not settled'}: ${v.reason}; environment ${before} -> ${env.state}`,
    data: { phase: 'end', outcome: v.outcome, from: intent.fromState, target: intent.target, reason: v.reason, run_open: String(env.runNumber !== null) },
  });
  await controller.persist.flush();
  await controller.store.deleteIntent(env.id);
  await controller.events.flush();
}

/** DEPLOY rolled back: the agents reaped its tasks, so none runs and none keeps the pid of a
 *  process that is gone (the chaos suite found STANDBY tasks showing dead pids). */
function undoDeploy(controller: ControllerCore, env: EnvRuntime): void {
  for (const t of env.tasks) {
    t.launched = false;
    t.pid = 0;
    t.exit = null;
    env.setTaskLost(t, false);
    controller.setTaskState(t, 'STANDBY');
    controller.persist.task(t);
  }
}

/** EXIT completed while the controller was away: every task ends DONE, its resources freed. */
function finishExit(controller: ControllerCore, env: EnvRuntime): void {
  for (const t of env.tasks) {
    t.launched = false;
    env.setTaskLost(t, false);
    controller.setTaskState(t, 'DONE');
    controller.nodeOf(t)?.release(t);
  }
}
