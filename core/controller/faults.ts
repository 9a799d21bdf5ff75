// Faults outside the plan: a task that exits or fails on its own, an agent whose session breaks.
// Inside a transition they become failures of that transition; outside one, a fatal fault
// (critical task, or an iterator below nmin) puts the environment in ERROR at once, a non-fatal
// one leaves it in its state, degraded.
import type { ErrorDetailLike } from '../model/errors.js';
import type { EnvState } from '../model/states.js';
import type { ExitInfo } from '../rpc/gen/common.js';
import type { ControllerCore } from './core.js';
import type { EnvRuntime } from './model/env.js';
import type { TaskRuntime } from './model/task.js';
import type { NodeRuntime } from './nodes.js';
import type { FailReason } from './model/transition.js';
import { failureDetail } from './transitions/errors.js';
import { stopAfterError } from './transitions/error-stop.js';
import { inBackground } from './transitions/background.js';
import { tryRestart } from './restarts/runner.js';
import { fetchLastLines } from './agents/logs.js';
import { fireHooks } from './hooks/runner.js';
import { clearSuspect } from './agents/unreachable.js';

const LIVE: readonly EnvState[] = ['DEPLOYED', 'CONFIGURED', 'RUNNING'];

/**
 * Puts the environment in ERROR with a structured reason. Outside a transition its running tasks
 * then get STOP and its open run is aborted (transitions/error-stop.ts); inside one, the engine
 * does that when the transition ends.
 */
export function goError(controller: ControllerCore, env: EnvRuntime, detail: ErrorDetailLike): void {
  if (env.state === 'ERROR' || env.destroyed) return;
  const from = env.state;
  env.state = 'ERROR';
  env.error = detail;
  controller.envTouched(env);
  controller.emit({ kind: 'env.state', envId: env.id, state: 'ERROR', error: detail, message: detail.message, data: { from } });
  if (!env.ctx) void inBackground(env, () => stopAfterError(controller, env));
  enrichLastLines(controller, env, detail);
}

/** A task error names what it printed last: fetch it from the agent when the update did not carry it. */
function enrichLastLines(controller: ControllerCore, env: EnvRuntime, detail: ErrorDetailLike): void {
  if (!detail.taskId || detail.lastLines?.length) return;
  const t = controller.tasks.get(detail.taskId);
  if (!t || t.lost) return;
  void fetchLastLines(controller, t).then((lines) => {
    if (!lines.length) return;
    detail.lastLines = lines;
    if (t.error && !t.error.lastLines?.length) {
      t.error.lastLines = lines;
      controller.persist.task(t);
    }
    controller.envTouched(env);
  });
}

function exitWords(x: ExitInfo): string {
  return x.signal ? `killed by ${x.signal}` : `exit code ${x.code}`;
}

/** The agent reports that a task's process ended. */
export function taskExited(controller: ControllerCore, t: TaskRuntime, exit: ExitInfo, said?: ErrorDetailLike): void {
  const env = t.env;
  t.launched = false;
  t.exit = exit;
  env.setTaskLost(t, false);
  const op = controller.opOf(t);
  const killed = op?.kind === 'kill';
  const clean = !t.controlled && exit.code === 0 && !exit.signal;
  const expected = killed || !!env.ctx?.expectExits || env.state === 'DONE' || env.destroyed || t.state === 'DONE';
  const state = expected || clean ? 'DONE' : 'ERROR';
  if (state === 'ERROR') {
    t.error = {
      code: 'TASK_FAILED',
      message: `task ${t.name} exited on node ${t.node} (${exitWords(exit)})`,
      envId: env.id,
      taskId: t.id,
      taskName: t.name,
      node: t.node,
      ...(exit.signal ? { signal: exit.signal } : { exitCode: exit.code }),
      ...(said?.lastLines?.length ? { lastLines: said.lastLines } : {}),
    };
  }
  // an expected exit (a kill, an EXIT, a destroy) is one event, its task.exit, which says the state
  controller.setTaskState(t, state, '', !expected);
  // an expected end of a sim task (no pid) leaves nothing worth a row: its state is in the vector;
  // a clean or expected end changes only the exit columns of its row, a failure its error too
  if (state === 'ERROR') controller.persist.task(t);
  else if (t.pid !== 0) controller.persist.taskExit(t);
  if (!expected || controller.perTaskEvents(env)) exitEvent(controller, t, exit, state, expected);
  if (op) {
    op.answer(t, killed ? null : { task: t, reason: 'crashed', detail: t.error ?? said });
    return;
  }
  if (expected || clean) return;
  fault(controller, t, 'crashed', t.error ?? said);
}

function exitEvent(controller: ControllerCore, t: TaskRuntime, exit: ExitInfo, state: string, expected: boolean): void {
  controller.emit({
    kind: 'task.exit',
    envId: t.env.id,
    taskId: t.id,
    node: t.node,
    state,
    message: `task ${t.name} exited (${exitWords(exit)})`,
    data: { name: t.name, code: String(exit.code), signal: exit.signal, expected: String(expected) },
  });
}

/**
 * The answer to an EXIT that carries the task's exit (the agent answers a basic task's EXIT once
 * its process and group are gone, and sends no separate exit): the exit is recorded, then the
 * caller applies the answer. An exit asked for is expected: it is no fault and no failure of the
 * EXIT (the separate exit used to reach the transition first and count as a crash). Its one event
 * is the task.exit, which carries the state the answer left the task in: `apply` emits no
 * task.state beside it (storing two events per task was a quarter of the controller's cpu in an
 * EXIT of 1,000 basic tasks, docs/performance.md "Round 4 of the teardown").
 */
export function exitAnswered(controller: ControllerCore, t: TaskRuntime, exit: ExitInfo, apply: () => void): void {
  t.launched = false;
  t.exit = exit;
  t.env.setTaskLost(t, false);
  apply();
  // the answer's own error (a refusal) has queued the whole row already: this adds only the exit
  if (t.pid !== 0) controller.persist.taskExit(t);
  if (controller.perTaskEvents(t.env)) exitEvent(controller, t, exit, t.state, true);
}

/** A task failed on its own (exit, ERROR state, loss): decide what it means for its environment. */
export function fault(controller: ControllerCore, t: TaskRuntime, reason: FailReason, detail?: ErrorDetailLike): void {
  const env = t.env;
  if (env.destroyed || !t.included) return;
  // a task with a restart policy is relaunched instead, while within its budget (restarts/)
  if (
    tryRestart(controller, t, reason, (e, error) => {
      goError(controller, e, error);
      fireHooks(controller, e, 'enter', 'ERROR');
    })
  )
    return;
  if (env.ctx) {
    if (!env.ctx.expectExits) env.ctx.fail({ task: t, reason, detail });
    return;
  }
  if (!LIVE.includes(env.state)) return;
  if (env.isFatal(t)) {
    goError(controller, env, failureDetail({ task: t, reason, detail }, ''));
    fireHooks(controller, env, 'enter', 'ERROR');
  } else if (!env.degraded) {
    env.degraded = true;
    controller.envTouched(env);
    controller.emit({
      kind: 'env.state',
      envId: env.id,
      state: env.state,
      message: `environment degraded: task ${t.name} ${reason}`,
      data: { degraded: 'true', task: t.name },
    });
  }
}

/**
 * Degraded says that a task the environment counts on has failed and it runs on without it. Once
 * the operator has dealt with every such task (excluded it, or included it back and it runs), the
 * environment is whole again: the flag is cleared, with an event saying so. A node away within its
 * grace is shown degraded by its own reckoning (convert.ts), not by this flag.
 */
export function settleDegraded(controller: ControllerCore, env: EnvRuntime): void {
  if (!env.degraded || env.destroyed || !LIVE.includes(env.state)) return;
  if (env.tasks.some((t) => t.included && !t.healthy)) return;
  env.degraded = false;
  controller.envTouched(env);
  controller.emit({
    kind: 'env.state',
    envId: env.id,
    state: env.state,
    message: 'environment no longer degraded: every included task is healthy',
    data: { degraded: 'false' },
  });
}

/** A node is down for good (removed, its agent-loss grace over, or no grace): its tasks are lost. */
export function nodeDown(controller: ControllerCore, node: NodeRuntime, reason: string): void {
  if (!node.up && node.synced && !node.suspect) return;
  clearSuspect(controller, node);
  node.up = false;
  controller.emit({ kind: 'node.down', node: node.name, message: `node ${node.name} is down: ${reason}` });
  const lost: TaskRuntime[] = [];
  for (const t of node.tasks) {
    if ((t.launched || t.waitBatch) && !t.lost && t.env.setTaskLost(t, true)) {
      controller.persist.task(t);
      lost.push(t);
    }
  }
  // pending answers from this node will not come (marked lost first, so nmin counts see it)
  for (const { op, batch } of [...controller.batches.values()]) if (batch.node === node) op.nodeDown(node);
  const byEnv = new Map<EnvRuntime, TaskRuntime[]>();
  for (const t of lost) {
    const l = byEnv.get(t.env);
    if (l) l.push(t);
    else byEnv.set(t.env, [t]);
  }
  for (const [env, tasks] of byEnv) {
    if (controller.perTaskEvents(env)) {
      for (const t of tasks)
        controller.emit({
          kind: 'task.lost',
          envId: env.id,
          taskId: t.id,
          node: node.name,
          message: `task ${t.name} lost: node ${node.name} is down`,
          data: { name: t.name },
        });
    } else {
      controller.emit({
        kind: 'task.lost',
        envId: env.id,
        node: node.name,
        message: `${tasks.length} task(s) lost: node ${node.name} is down`,
        data: { count: String(tasks.length) },
      });
    }
  }
  for (const t of lost) fault(controller, t, 'lost');
}
