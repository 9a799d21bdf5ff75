// What each environment transition does to its tasks. One deadline end to end (ctx); every
// step is one fan-out per agent.
import type { EnvTransition, TaskEvent, TaskState } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { TransitionCtx } from '../model/transition.js';
import { launch, transition } from './fanout.js';
import { configureArgs } from '../channels.js';
import { openRun, closeRun, runTypeOfOpenRun } from '../runs.js';
import { exitStep } from './exit.js';
import { stopDataTaking } from './error-stop.js';
import { rememberConfigureArgs, rememberStartArgs } from '../restarts/args.js';
import { recoverStep } from './recover.js';
import { placeOnNodes } from '../placement.js';

export type Step = (controller: ControllerCore, ctx: TransitionCtx, args: Record<string, string>) => Promise<void>;

/**
 * Sends the event to every healthy task not yet in the target state. Basic tasks are sent it
 * too: their agent answers for them at once (they follow the environment), which keeps the
 * agent's record, and so a later Hello, in step.
 */
async function taskEventStep(
  controller: ControllerCore,
  ctx: TransitionCtx,
  event: TaskEvent,
  from: TaskState,
  target: TaskState,
  argsFor: (t: TaskRuntime) => Record<string, string>,
): Promise<void> {
  const send: TaskRuntime[] = [];
  for (const t of ctx.env.active) {
    if (!t.healthy || t.state === target) continue; // broken tasks wait for RECOVER
    if (t.state !== from) {
      // out of step (e.g. a late answer to an earlier transition): it cannot take this event
      ctx.fail({ task: t, reason: 'failed', detail: { code: 'TASK_FAILED', message: `it is in ${t.state}, not ${from}` } });
      continue;
    }
    send.push(t);
  }
  await transition(controller, ctx, event, target, send, argsFor);
}

const deploy: Step = async (controller, ctx) => {
  const env = ctx.env;
  const tasks = env.active.filter((t) => !t.launched);
  for (const t of tasks) {
    t.exit = null;
    t.error = null;
  }
  // placed at create; a node gone or down since then gets its tasks placed again
  const stale = tasks.filter((t) => !controller.nodeOf(t)?.up);
  if (stale.length) placeOnNodes(controller, stale);
  await launch(controller, ctx, tasks);
};

const configure: Step = async (controller, ctx, args) => {
  const env = ctx.env;
  rememberConfigureArgs(env, args);
  await taskEventStep(controller, ctx, 'CONFIGURE', 'STANDBY', 'CONFIGURED', (t) => configureArgs(env, t, args));
};

const start: Step = async (controller, ctx, args) => {
  const env = ctx.env;
  // the run was opened (its number stored) before the hooks (run-record/transition.ts); the
  // fallback opens it here, still before any task hears of it
  let n = env.runNumber;
  if (n === null) {
    n = await openRun(controller, env, { runType: args.run_type });
  }
  const runType = runTypeOfOpenRun(env);
  const shared = { ...args, run_number: String(n), ...(runType ? { run_type: runType } : {}) };
  rememberStartArgs(env, shared);
  await taskEventStep(controller, ctx, 'START', 'CONFIGURED', 'RUNNING', () => shared);
};

const stop: Step = async (controller, ctx, args) => {
  await taskEventStep(controller, ctx, 'STOP', 'RUNNING', 'CONFIGURED', () => args);
  if (!ctx.shouldStop()) await closeRun(controller, ctx.env, 'closed');
};

const reset: Step = async (controller, ctx, args) => {
  await taskEventStep(controller, ctx, 'RESET', 'CONFIGURED', 'STANDBY', () => args);
};

const goError: Step = async (controller, ctx, args) => {
  ctx.env.error = {
    code: 'GO_ERROR',
    message: `GO_ERROR requested${args.reason ? `: ${args.reason}` : ''}`,
    envId: ctx.env.id,
    transition: 'GO_ERROR',
  };
  // data taking stops: the running tasks get STOP, the run is closed as aborted with the reason
  await stopDataTaking(controller, ctx);
};

export const STEPS: Record<EnvTransition, Step> = {
  DEPLOY: deploy,
  CONFIGURE: configure,
  START_ACTIVITY: start,
  STOP_ACTIVITY: stop,
  RESET: reset,
  EXIT: exitStep,
  GO_ERROR: goError,
  RECOVER: recoverStep,
};
