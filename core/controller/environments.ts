// Creating (expand, place, store) and destroying environments.
import type { CreateEnvironmentRequest } from '../rpc/gen/control.js';
import { BatonError } from '../model/errors.js';
import { newId } from '../model/ids.js';
import type { ControllerCore } from './core.js';
import { EnvRuntime } from './model/env.js';
import { RoleTree } from './model/tree.js';
import { placeTasks } from './scheduler.js';
import { explainPlacement, nodeSnapshots } from './placement.js';
import { closeRun } from './runs.js';
import { checkNaming, nameEnvironment } from './run-record/names.js';
import { TransitionCtx } from './model/transition.js';
import { killAll } from './transitions/exit.js';
import { assertIdle, controlEnvironment, getEnv } from './transitions/engine.js';
import { nodeReachable, recordAwaitingReap, unreachableTasks } from './pending-reaps.js';
import type { AwaitingReap } from '../rpc/gen/control.js';
import type { Caller } from './auth/caller.js';
import { dropHold, holdNew } from './locks/hold.js';
import { nodeClaimedByOther, releaseClaims, reserveClaims } from './locks/claims.js';
import { SLICE_TASKS, yieldToLoop } from './slices.js';

/**
 * Expands, places and stores a new environment, held by its creator (`caller`). Any error leaves
 * nothing behind; what it claims exclusively and another environment holds is refused (HELD).
 */
export async function createEnvironment(controller: ControllerCore, req: CreateEnvironmentRequest, caller?: Caller): Promise<EnvRuntime> {
  if (!req.workflow) throw new BatonError('BAD_INPUT', 'a workflow is required (a name in the template repos or a path)', { where: 'workflow' });
  const asked = checkNaming(req);
  // BAD_TEMPLATE / BAD_INPUT from the loader pass through as they are
  const expanded = await controller.loader.expand(req.workflow, req.vars ?? {}, {
    repo: req.repo || undefined,
    revision: req.revision || undefined,
  });
  // a large expansion was just decoded on this thread; each big step below is followed by a
  // yield, so that agents' heartbeats and keepalive pings are answered between them
  await yieldToLoop();
  // the role tree and the task records in slices: a million of them are seconds of this thread
  const tree = await RoleTree.inSlices(expanded.root, SLICE_TASKS, yieldToLoop);
  const now = Date.now();
  const env = new EnvRuntime(
    {
      id: newId('env'),
      name: '',
      workflow: req.workflow,
      state: 'STANDBY',
      runNumber: null,
      owner: req.owner,
      createdMs: now,
      updatedMs: now,
      vars: { ...(req.vars ?? {}) },
      repo: expanded.repo ?? req.repo,
      revision: expanded.revision ?? req.revision,
      error: null,
    },
    expanded,
    { tree },
  );
  for (let built = 0; built < expanded.tasks.length; ) {
    built = Math.min(expanded.tasks.length, built + SLICE_TASKS);
    env.addTasks(built);
    await yieldToLoop();
  }
  nameEnvironment(env, asked);
  await yieldToLoop();

  // what it claims exclusively: HELD naming the holder when another environment has it
  reserveClaims(controller, env, caller?.user ?? '');
  try {
    await placeInSlices(controller, env);
    await storeNew(controller, env, expanded);
  } catch (e) {
    for (const t of env.active) if (t.node) controller.nodes.get(t.node)?.release(t);
    releaseClaims(controller, env.id);
    throw e;
  }
  await yieldToLoop();
  if (caller) holdNew(controller, env, caller.user);

  // indexed in slices, before the environment is visible: nothing can reach its tasks meanwhile
  for (let i = 0; i < env.tasks.length; i++) {
    const t = env.tasks[i]!;
    controller.tasks.set(t.id, t);
    if ((i + 1) % SLICE_TASKS === 0) await yieldToLoop();
  }
  controller.envs.set(env.id, env);
  controller.emit({
    kind: 'env.created',
    envId: env.id,
    state: env.state,
    message: `environment ${env.name} (${env.id}) created from ${req.workflow}${caller ? ` by ${caller.user}` : ''}`,
    data: {
      workflow: req.workflow,
      name: env.name,
      run_type: env.runType,
      tasks: String(env.active.length),
      owner: env.owner,
      ...(caller ? { holder: caller.user } : {}),
    },
  });
  if (req.autoDeploy) await controlEnvironment(controller, env.id, 'DEPLOY', { by: caller?.user });
  return env;
}

/**
 * Places the environment's active tasks, a slice at a time with a yield between (a million
 * tasks are a second of this thread), each slice against fresh snapshots of the nodes and held
 * at once: a create placing during a yield sees the load and resources placed so far, and this
 * one's next slice sees that create's. Without another create in between, the nodes come out as
 * one placement of all the tasks would give them (the heap's order is the nodes' load and then
 * their order). Throws PLACEMENT naming the first task that fits nowhere; what was held by then
 * is released by the caller. A node another environment claims exclusively is not a candidate
 * (locks/claims.ts).
 */
async function placeInSlices(controller: ControllerCore, env: EnvRuntime): Promise<void> {
  const tasks = env.active;
  for (let from = 0; from < tasks.length; from += SLICE_TASKS) {
    const slice = tasks.slice(from, from + SLICE_TASKS);
    const names = explainPlacement(controller, () =>
      placeTasks(
        slice.map((t) => t.spec),
        nodeSnapshots(controller).filter((n) => !nodeClaimedByOther(controller, n.name, env.id)),
      ),
    );
    for (let i = 0; i < slice.length; i++) {
      const t = slice[i]!;
      t.node = names[i]!;
      controller.nodes.get(t.node)?.assign(t);
    }
    await yieldToLoop();
  }
}

async function storeNew(controller: ControllerCore, env: EnvRuntime, expanded: EnvRuntime['expanded']): Promise<void> {
  await controller.store.putEnvironment({
    id: env.id,
    name: env.name,
    workflow: env.workflow,
    state: env.state,
    runNumber: null,
    owner: env.owner,
    createdMs: env.createdMs,
    updatedMs: env.updatedMs,
    vars: env.vars,
    repo: env.repo,
    revision: env.revision,
    expanded,
    error: null,
    destroyed: false,
  });
  // one compact write for 150k tasks; rows follow for tasks that get a pid, ports, an exit...
  await controller.store.putTaskPlacement(
    env.id,
    env.tasks.map((t) => t.node),
  );
  await controller.store.putTaskStateVector(env.id, env.stateVector());
  if (env.runType) await controller.store.putEnvRunType(env.id, env.runType);
}

/**
 * Kills every task (graded unless force), closes an open run, marks the environment destroyed.
 * `awaitingReap`: the tasks whose agent was away (before or during the kill), which may still run;
 * they are kept on record (pending-reaps.ts) and reaped when their agent comes back.
 */
export async function destroyEnvironment(
  controller: ControllerCore,
  id: string,
  force: boolean,
  by = '',
): Promise<{ env: EnvRuntime; awaitingReap: AwaitingReap[] }> {
  const env = getEnv(controller, id);
  assertIdle(env);
  const away = unreachableTasks(controller, env.tasks);
  const exitBefore = new Map(env.tasks.map((t) => [t, t.exit]));
  const candidates = env.tasks.filter((t) => t.launched || t.lost);
  const ctx = new TransitionCtx(env, 'DESTROY', Date.now() + controller.cfg.defaultTimeoutMs, () => {});
  ctx.startedBy = by;
  ctx.expectExits = true;
  ctx.tolerant = true;
  env.ctx = ctx;
  try {
    await killAll(controller, ctx, env.tasks, !force, force ? 'destroy (force)' : 'destroy');
  } finally {
    ctx.stop();
    env.ctx = null;
  }
  // a node lost during the kill: its tasks whose exit was not seen may still run
  for (const t of candidates) if (!nodeReachable(controller, t.node) && t.exit === exitBefore.get(t)) away.add(t);
  const awaitingReap = recordAwaitingReap(controller, away);
  await closeRun(controller, env, 'aborted', `aborted: environment destroyed${by ? ` by ${by}` : ''}`, { by });
  env.destroyed = true;
  env.updatedMs = Date.now();
  controller.persist.dropEnv(env);
  await controller.persist.flush();
  await controller.store.patchEnvironment(env.id, { destroyed: true, state: env.state, updatedMs: env.updatedMs, runNumber: null });
  await controller.store.deleteTasks(env.id);
  controller.envs.delete(env.id);
  for (const t of env.tasks) controller.tasks.delete(t.id);
  releaseClaims(controller, env.id);
  dropHold(controller, env);
  const pending = awaitingReap.length
    ? `; ${awaitingReap.length} task(s) await reaping on ${[...new Set(awaitingReap.map((x) => x.node))].join(', ')} (agent away)`
    : '';
  controller.emit({
    kind: 'env.destroyed',
    envId: env.id,
    state: env.state,
    message: `environment ${env.id} destroyed${force ? ' (force)' : ''}${pending}`,
    ...(awaitingReap.length ? { data: { awaitingReap: awaitingReap.map((x) => `${x.node}:${x.taskId}`).join(',') } } : {}),
  });
  await controller.events.flush();
  return { env, awaitingReap };
}
