// An agent said Hello: the node is up, its identity and labels are recorded, and the tasks it
// runs are re-synced: known ones re-adopted (no longer lost), unknown ones reaped, and ours that
// it no longer runs treated as gone.
import type { Hello, TaskInfo } from '../../rpc/gen/agent.js';
import type { AwaitingReap } from '../../rpc/gen/control.js';
import { TASK_STATES, type TaskState } from '../../model/states.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import type { NodeRuntime } from '../nodes.js';
import type { AgentLink } from './link.js';
import { fault, taskExited } from '../faults.js';
import { markInFlight } from '../transitions/in-flight.js';
import { isAwaitingReap, settleOnHello } from '../pending-reaps.js';
import { nodeBack } from './grace.js';
import { inventoryOverrides } from '../inventory/apply.js';

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a),
    kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

export function onHello(controller: ControllerCore, link: AgentLink, h: Hello): void {
  const name = link.name || h.node;
  if (!name) {
    link.breakSession('the agent sent a Hello without a node name');
    return;
  }
  const other = controller.nodes.get(name);
  if (other && other.link && other.link !== link && other.up) {
    console.error(`baton controller: agent at ${link.address} says it is ${name}, but ${name} is connected at ${other.address}; ignoring it`);
    link.stop();
    controller.links.delete(link.address);
    return;
  }
  link.name = name;
  const node = controller.nodes.ensure(name, link.address);
  const changed = !node.stored || node.address !== link.address || node.sim !== h.sim || !sameLabels(node.labels, h.labels);
  node.address = link.address;
  node.link = link;
  node.labels = { ...h.labels };
  node.host = h.host;
  node.pid = h.pid;
  node.sim = h.sim;
  node.version = h.version;
  node.cpuCap = h.resources?.cpu ?? 0;
  node.memCap = h.resources?.memoryBytes ?? 0;
  node.portMin = h.resources?.portMin ?? 0;
  node.portMax = h.resources?.portMax ?? 0;
  inventoryOverrides(controller.inventory.get(name), node);
  node.up = true;
  node.synced = true;
  node.refused = '';
  node.refusedOwner = '';
  node.lastSeenMs = node.lastHeartbeatMs = Date.now();
  if (changed) {
    node.stored = true;
    void controller.store
      .putNode({ name, address: node.address, labels: node.labels, sim: node.sim, addedMs: node.addedMs })
      .catch((e) => console.error(`baton controller: storing node ${name} failed: ${(e as Error).message}`));
  }
  controller.emit({
    kind: 'node.up',
    node: name,
    message: `node ${name} is up (${link.address})`,
    data: { address: link.address, tasks: String(h.tasks.length) },
  });
  if (h.takenFrom) {
    controller.emit({
      kind: 'node.takeover',
      node: name,
      message: `node ${name} taken over from controller ${h.takenFrom}`,
      data: { from: h.takenFrom, owner: h.owner },
    });
  }
  const reaped = resync(controller, node, link, h.tasks);
  const exited = new Set(h.tasks.filter((x) => x.exit?.exited).map((x) => x.taskId));
  settleAwaited(controller, settleOnHello(controller, name, new Set(h.tasks.map((x) => x.taskId))), exited);
  if (reaped) console.error(`baton controller: reaping ${reaped} task(s) on ${name} that no environment owns`);
  // back within the agent-loss grace: its environments are whole again, same runs
  nodeBack(controller, node, h.tasks.length);
}

/**
 * Tasks of an EXITed environment that awaited reaping (lost, transitions/exit.ts): one the agent
 * still runs is alive again as far as we know (the resync's reap ends it, and its exit makes it
 * DONE); one it no longer runs had ended while it was away: DONE now.
 */
function settleAwaited(controller: ControllerCore, settled: { reaped: AwaitingReap[]; ended: AwaitingReap[] }, exited: ReadonlySet<string>): void {
  const known = (x: AwaitingReap) => {
    const t = controller.tasks.get(x.taskId);
    return t && !t.env.destroyed && t.lost ? t : undefined;
  };
  for (const x of settled.reaped) {
    const t = known(x);
    if (!t || exited.has(x.taskId)) continue;
    t.launched = true;
    t.env.setTaskLost(t, false);
    controller.persist.task(t);
  }
  for (const x of [...settled.ended, ...settled.reaped.filter((r) => exited.has(r.taskId))]) {
    const t = known(x);
    if (!t) continue;
    t.launched = false;
    t.env.setTaskLost(t, false);
    controller.setTaskState(t, 'DONE');
    controller.persist.task(t);
  }
}

function adopt(controller: ControllerCore, t: TaskRuntime, info: TaskInfo, node: NodeRuntime): void {
  t.launched = true;
  if (!t.host) t.host = node.host;
  t.pid = info.pid;
  if (info.logPath) t.logPath = info.logPath;
  if (Object.keys(info.ports).length) t.ports = info.ports;
  if (Object.keys(info.addresses).length) t.addresses = info.addresses;
  t.env.setTaskLost(t, false);
  if ((TASK_STATES as readonly string[]).includes(info.state)) controller.setTaskState(t, info.state as TaskState);
  if (info.busy) markInFlight(t); // its answer to a transition is still to come (reconcile/restart.ts)
  if (info.pid !== 0 || info.logPath) controller.persist.task(t); // else the state vector says it all
}

/** returns how many tasks were reaped */
function resync(controller: ControllerCore, node: NodeRuntime, link: AgentLink, infos: readonly TaskInfo[]): number {
  const seen = new Set<TaskRuntime>();
  const reap: string[] = [];
  // tasks an EXIT could not kill (their agent was away): killed now, not reaped, so that their
  // exit is reported and makes them DONE (a reap is silent)
  const kill: string[] = [];
  for (const info of infos) {
    const t = controller.tasks.get(info.taskId);
    const awaited = t && (isAwaitingReap(controller, node.name, t.id) || (t.lost && t.env.state === 'DONE'));
    if (t && awaited && !t.env.destroyed && t.node === node.name && !info.exit?.exited) {
      kill.push(info.taskId);
      continue;
    }
    if (!t || t.env.destroyed || t.node !== node.name || !t.included || t.env.state === 'DONE' || t.env.state === 'STANDBY') {
      reap.push(info.taskId);
      continue;
    }
    seen.add(t);
    const wasError = t.state === 'ERROR';
    adopt(controller, t, info, node);
    if (info.exit?.exited) taskExited(controller, t, info.exit);
    else if (t.state === 'ERROR' && !wasError) {
      // it failed while its agent was unreachable: the same fault as if we had heard it then
      t.error = {
        code: 'TASK_FAILED',
        message: `task ${t.name} went to ERROR on node ${node.name} while its agent was unreachable`,
        envId: t.env.id,
        taskId: t.id,
        taskName: t.name,
        node: node.name,
      };
      controller.persist.task(t);
      fault(controller, t, 'failed', t.error);
    }
  }
  if (reap.length) link.send({ msg: { $case: 'reap', reap: { taskIds: reap } } });
  // batch 0: no transition waits for it
  if (kill.length) link.send({ msg: { $case: 'kill', kill: { batchId: 0, taskIds: kill, graded: true, reason: 'reaped', exitsByPosition: false } } });
  // ours, placed here and alive as far as we knew, but the agent does not run them (any more)
  for (const t of node.tasks) {
    if (seen.has(t) || !(t.launched || t.lost) || t.waitBatch) continue;
    t.launched = false;
    t.env.setTaskLost(t, false);
    t.error = {
      code: 'TASK_LOST',
      message: `task ${t.name} was no longer running on node ${node.name} when its agent came back`,
      envId: t.env.id,
      taskId: t.id,
      taskName: t.name,
      node: node.name,
    };
    controller.setTaskState(t, 'ERROR');
    controller.persist.task(t);
    fault(controller, t, 'lost', t.error);
  }
  return reap.length + kill.length;
}
