// Fan-out helpers: one message per agent (chunked) for launches, transitions and kills.
import type { LaunchSpec } from '../../rpc/gen/agent.js';
import type { TaskEvent, TaskState } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { NodeRuntime } from '../nodes.js';
import type { TransitionCtx } from '../model/transition.js';
import { TaskOp } from './op.js';

export function byNode(controller: ControllerCore, tasks: readonly TaskRuntime[]): Map<NodeRuntime | null, TaskRuntime[]> {
  const m = new Map<NodeRuntime | null, TaskRuntime[]>();
  for (const t of tasks) {
    const n = controller.nodes.get(t.node) ?? null;
    const l = m.get(n);
    if (l) l.push(t);
    else m.set(n, [t]);
  }
  return m;
}

/** the groups whose node is known; tasks whose node is not (removed since placement) fail: nothing to send them to */
function placed(ctx: TransitionCtx, groups: Map<NodeRuntime | null, TaskRuntime[]>): [NodeRuntime, TaskRuntime[]][] {
  const out: [NodeRuntime, TaskRuntime[]][] = [];
  for (const [node, list] of groups) {
    if (node) out.push([node, list]);
    else for (const t of list) ctx.fail({ task: t, reason: 'unavailable' });
  }
  return out;
}

export function launchSpec(t: TaskRuntime): LaunchSpec {
  const s = t.spec;
  return {
    taskId: t.id,
    envId: t.env.id,
    name: s.name,
    driver: s.driver,
    control: s.control,
    command: s.command ?? '',
    args: s.args ?? [],
    env: s.env ?? {},
    cwd: s.cwd ?? '',
    // a relaunched task asks for the ports it had: peers still dialling them reach it again
    binds: (s.binds ?? []).map((b) => ({ name: b.name, type: b.type, transport: b.transport ?? 'tcp', port: t.ports[b.name] ?? 0 })),
    sim: s.sim ? { delayMs: s.sim.delayMs ?? 0, failOn: s.sim.failOn ?? '', failRate: s.sim.failRate ?? 0, exitAfterMs: s.sim.exitAfterMs ?? 0 } : undefined,
    controlExitMs: s.killTimeouts?.controlExitMs ?? 0,
    termMs: s.killTimeouts?.termMs ?? 0,
    cleanupFiles: s.cleanupFiles ?? [],
  };
}

/** Launches the tasks (one LaunchBatch per agent) and waits until all are launched or failed. */
export async function launch(controller: ControllerCore, ctx: TransitionCtx, tasks: TaskRuntime[], phase = 'launch'): Promise<TaskOp> {
  ctx.setPhase(phase, tasks.length);
  const op = new TaskOp(controller, ctx, 'launch', 'STANDBY', 'LAUNCH');
  await op.sendAll(placed(ctx, byNode(controller, tasks)), (_node, batchId, chunk) => ({
    msg: { $case: 'launch', launch: { batchId, deadlineMs: ctx.remaining(), tasks: chunk.map(launchSpec) } },
  }));
  await op.wait();
  return op;
}

/** Sends one task event to every task given (one TransitionBatch per agent) and waits. */
export async function transition(
  controller: ControllerCore,
  ctx: TransitionCtx,
  event: TaskEvent,
  target: TaskState,
  tasks: TaskRuntime[],
  argsFor: (t: TaskRuntime) => Record<string, string>,
  capMs?: number,
): Promise<TaskOp> {
  ctx.setPhase(event.toLowerCase(), tasks.length);
  const op = new TaskOp(controller, ctx, 'transition', target, event);
  await op.sendAll(placed(ctx, byNode(controller, tasks)), (_node, batchId, chunk) => ({
    msg: {
      $case: 'transition',
      transition: {
        batchId,
        event,
        deadlineMs: Math.min(ctx.remaining(), capMs ?? Infinity),
        items: chunk.map((t) => ({ taskId: t.id, args: argsFor(t) })),
      },
    },
  }));
  await op.wait(capMs);
  return op;
}

/** Kills the tasks (graded: control EXIT, SIGTERM, SIGKILL; or SIGKILL now) and waits for the agents. */
export async function kill(controller: ControllerCore, ctx: TransitionCtx, tasks: TaskRuntime[], graded: boolean, reason: string): Promise<TaskOp> {
  ctx.setPhase('kill', tasks.length);
  const op = new TaskOp(controller, ctx, 'kill', null, 'KILL');
  const groups = [...byNode(controller, tasks)].filter((g): g is [NodeRuntime, TaskRuntime[]] => g[0] !== null);
  await op.sendAll(groups, (_node, batchId, chunk) => ({
    // the op keeps the batch until its BatchDone: the exits may come by position
    msg: { $case: 'kill', kill: { batchId, taskIds: chunk.map((t) => t.id), graded, reason, exitsByPosition: true } },
  }));
  await op.wait();
  return op;
}
