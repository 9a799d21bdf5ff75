// What each environment transition does to its tasks. One deadline end to end (ctx); every
// step is one fan-out per agent.
import type { EnvTransition, TaskEvent, TaskState } from '../../model/states.js';
import type { Ctl } from '../core.js';
import type { TaskRt } from '../model/task.js';
import type { TransitionCtx } from './ctx.js';
import { launch, transition } from './fanout.js';
import { configureArgs } from '../channels.js';
import { openRun, closeRun } from '../runs.js';
import { exitStep } from './exit.js';
import { recoverStep } from './recover.js';
import { placeOnNodes } from '../placement.js';

export type Step = (ctl: Ctl, ctx: TransitionCtx, args: Record<string, string>) => Promise<void>;

/**
 * Sends the event to every healthy task not yet in the target state. Basic tasks are sent it
 * too: their agent answers for them at once (they follow the environment), which keeps the
 * agent's record, and so a later Hello, in step.
 */
async function taskEventStep(
  ctl: Ctl, ctx: TransitionCtx, event: TaskEvent, from: TaskState, target: TaskState,
  argsFor: (t: TaskRt) => Record<string, string>,
): Promise<void> {
  const send: TaskRt[] = [];
  for (const t of ctx.env.active) {
    if (!t.healthy || t.state === target) continue; // broken tasks wait for RECOVER
    if (t.state !== from) {
      // out of step (e.g. a late answer to an earlier transition): it cannot take this event
      ctx.fail({ task: t, reason: 'failed', detail: { code: 'TASK_FAILED', message: `it is in ${t.state}, not ${from}` } });
      continue;
    }
    send.push(t);
  }
  await transition(ctl, ctx, event, target, send, argsFor);
}

const deploy: Step = async (ctl, ctx) => {
  const env = ctx.env;
  const tasks = env.active.filter((t) => !t.launched);
  for (const t of tasks) { t.exit = null; t.error = null; }
  // placed at create; a node gone or down since then gets its tasks placed again
  const stale = tasks.filter((t) => !ctl.nodeOf(t)?.up);
  if (stale.length) placeOnNodes(ctl, stale);
  await launch(ctl, ctx, tasks);
};

const configure: Step = async (ctl, ctx, args) => {
  const env = ctx.env;
  await taskEventStep(ctl, ctx, 'CONFIGURE', 'STANDBY', 'CONFIGURED', (t) => configureArgs(env, t, args));
};

const start: Step = async (ctl, ctx, args) => {
  const env = ctx.env;
  // the run number is stored before any task hears of it
  const n = await openRun(ctl, env);
  const shared = { ...args, run_number: String(n) };
  await taskEventStep(ctl, ctx, 'START', 'CONFIGURED', 'RUNNING', () => shared);
};

const stop: Step = async (ctl, ctx, args) => {
  await taskEventStep(ctl, ctx, 'STOP', 'RUNNING', 'CONFIGURED', () => args);
  if (!ctx.shouldStop()) await closeRun(ctl, ctx.env, 'closed');
};

const reset: Step = async (ctl, ctx, args) => {
  await taskEventStep(ctl, ctx, 'RESET', 'CONFIGURED', 'STANDBY', () => args);
};

const goError: Step = async (ctl, ctx, args) => {
  ctx.env.error = {
    code: 'GO_ERROR',
    message: `GO_ERROR requested${args.reason ? `: ${args.reason}` : ''}`,
    envId: ctx.env.id, transition: 'GO_ERROR',
  };
  await closeRun(ctl, ctx.env, 'aborted');
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
