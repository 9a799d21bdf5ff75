// Runtime exclude/include of a role in a CONFIGURED or RUNNING environment, without touching the
// rest: its tasks are taken out of the environment's counts and aggregated states first (their
// ends are then no faults), told STOP/RESET/EXIT as their state needs and killed (graded) if they
// do not go; including it back launches them and brings them to the environment's state, as a
// restart does (restarts/relaunch.ts). The run stays open throughout. Stored (persist.ts): a
// restarted controller keeps the role out.
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { TransitionCtx } from '../model/transition.js';
import { assertIdle, getEnv } from '../transitions/engine.js';
import { backgroundSettled } from '../transitions/background.js';
import { transition } from '../transitions/fanout.js';
import { killAll } from '../transitions/exit.js';
import { relaunchToState } from '../restarts/relaunch.js';
import { fault, settleDegraded } from '../faults.js';
import { storeInclusion } from './persist.js';
import { assertLive, checkExclude, checkInclude, roleIndex } from './rules.js';

function tasksUnder(env: EnvRuntime, idx: number): TaskRuntime[] {
  const end = env.tree.subtreeEnd(idx);
  return env.tasks.filter((t) => t.leaf >= idx && t.leaf < end);
}

/** Takes tasks out of (or back into) what transitions act on and what the counts see. */
function setIncluded(env: EnvRuntime, idx: number, tasks: TaskRuntime[], included: boolean): void {
  for (const t of tasks) {
    if (t.included === included) continue;
    t.included = included;
    if (included) {
      env.active.push(t);
      env.counts.add(t.state);
      if (t.lost) env.counts.lost++;
    } else {
      const i = env.active.indexOf(t);
      if (i >= 0) env.active.splice(i, 1);
      env.counts.remove(t.state);
      if (t.lost) env.counts.lost--;
    }
  }
  env.tree.setIncluded(idx, included);
}

/**
 * The role's own tasks may fail while it goes out or in (noted, tolerated); any other task that
 * failed meanwhile is a fault of the environment like any other, judged once it is idle again.
 */
function replayOtherFaults(controller: ControllerCore, ctx: TransitionCtx, mine: readonly TaskRuntime[]): void {
  for (const f of ctx.nonFatal) if (!mine.includes(f.task)) fault(controller, f.task, f.reason, f.detail);
}

async function underCtx(
  controller: ControllerCore,
  env: EnvRuntime,
  name: string,
  timeoutMs: number,
  by: string,
  work: (ctx: TransitionCtx) => Promise<void>,
): Promise<TransitionCtx> {
  const ctx = new TransitionCtx(env, name, Date.now() + (timeoutMs > 0 ? timeoutMs : controller.cfg.defaultTimeoutMs), () => {});
  ctx.startedBy = by;
  env.ctx = ctx;
  controller.envTouched(env);
  try {
    await work(ctx);
  } finally {
    ctx.stop();
    if (env.ctx === ctx) env.ctx = null;
    controller.envTouched(env);
  }
  return ctx;
}

/** Stops and ends the tasks of an excluded role: STOP, RESET, EXIT as their state needs, then the graded kill. */
async function takeDown(controller: ControllerCore, ctx: TransitionCtx, tasks: TaskRuntime[]): Promise<void> {
  const live = () => tasks.filter((t) => t.launched && !t.lost);
  const running = live().filter((t) => t.state === 'RUNNING');
  if (running.length) await transition(controller, ctx, 'STOP', 'CONFIGURED', running, () => ({}));
  const configured = live().filter((t) => t.state === 'CONFIGURED');
  if (configured.length) await transition(controller, ctx, 'RESET', 'STANDBY', configured, () => ({}));
  const told = live().filter((t) => t.state !== 'DONE');
  if (told.length) await transition(controller, ctx, 'EXIT', 'DONE', told, () => ({}), Math.floor(ctx.remaining() / 2));
  await killAll(controller, ctx, tasks, true, 'EXCLUDE');
  for (const t of tasks) controller.persist.task(t);
}

export async function excludeRole(controller: ControllerCore, envId: string, path: string, timeoutMs = 0, by = ''): Promise<EnvRuntime> {
  const env = getEnv(controller, envId);
  const idx = roleIndex(env, path);
  await backgroundSettled(env);
  assertIdle(env);
  assertLive(env, 'exclude');
  checkExclude(env, idx);
  const role = env.tree.path(idx);
  const tasks = tasksUnder(env, idx).filter((t) => t.included);
  setIncluded(env, idx, tasks, false);
  const ctx = await underCtx(controller, env, 'EXCLUDE', timeoutMs, by, async (c) => {
    c.expectExits = true;
    c.tolerant = true;
    await takeDown(controller, c, tasks);
  });
  replayOtherFaults(controller, ctx, tasks);
  await controller.persist.flush();
  await storeInclusion(controller, env, role, false);
  controller.emit({
    kind: 'env.exclude',
    envId: env.id,
    state: env.state,
    message: `role ${role} excluded: ${tasks.length} task(s) ended${ctx.nonFatal.length ? ` (${ctx.nonFatal.length} killed)` : ''}`,
    data: { role, tasks: String(tasks.length), unclean: String(ctx.nonFatal.length) },
  });
  settleDegraded(controller, env);
  return env;
}

export async function includeRole(controller: ControllerCore, envId: string, path: string, timeoutMs = 0, by = ''): Promise<EnvRuntime> {
  const env = getEnv(controller, envId);
  const idx = roleIndex(env, path);
  await backgroundSettled(env);
  assertIdle(env);
  assertLive(env, 'include');
  checkInclude(env, idx);
  const role = env.tree.path(idx);
  const tasks = tasksUnder(env, idx);
  if (!tasks.length) {
    throw new BatonError('BAD_INPUT', `role ${role} has no tasks: it is disabled in the workflow (enabled: false), not excluded at run time`, {
      envId: env.id,
      where: 'role',
      data: { role },
    });
  }
  setIncluded(env, idx, tasks, true);
  const ctx = await underCtx(controller, env, 'INCLUDE', timeoutMs, by, async (c) => {
    // a task that does not come up is no failure of the environment: the role goes back out
    c.tolerant = true;
    await relaunchToState(controller, c, tasks, 'include');
  });
  replayOtherFaults(controller, ctx, tasks);
  const target = env.state;
  const failed = tasks.filter((t) => !t.healthy || t.state !== (target === 'RUNNING' ? 'RUNNING' : 'CONFIGURED'));
  if (failed.length) {
    setIncluded(env, idx, tasks, false);
    const down = await underCtx(controller, env, 'INCLUDE', timeoutMs, by, async (c) => {
      c.expectExits = true;
      c.tolerant = true;
      await takeDown(controller, c, tasks);
    });
    replayOtherFaults(controller, down, tasks);
    await controller.persist.flush();
    const why = ctx.nonFatal.find((f) => f.task === failed[0])?.detail;
    const first = failed[0] ?? tasks[0]!;
    controller.emit({
      kind: 'env.include',
      envId: env.id,
      state: env.state,
      message: `role ${role} could not be included: it stays excluded`,
      data: { role, ok: 'false' },
    });
    throw new BatonError(
      'TASK_FAILED',
      `role ${role} could not be included (task ${first.name}: ${first.error?.message ?? why?.message ?? `did not reach ${target}`}): it stays excluded`,
      { envId: env.id, taskId: first.id, taskName: first.name, node: first.node, data: { role } },
    );
  }
  await controller.persist.flush();
  await storeInclusion(controller, env, role, true);
  controller.emit({
    kind: 'env.include',
    envId: env.id,
    state: env.state,
    message: `role ${role} included: ${tasks.length} task(s) ${target === 'RUNNING' ? `running in run ${env.runNumber}` : 'configured'}`,
    data: { role, tasks: String(tasks.length), ok: 'true' },
  });
  settleDegraded(controller, env);
  return env;
}
