// In-memory objects -> control.proto messages.
import { environmentsUsing, scheduleState } from './inventory/schedule.js';
import type { Environment, Node, Run, Task } from '../rpc/gen/control.js';
import type { RunRecord } from '../store/store.js';
import { detailToProto } from '../rpc/errors.js';
import type { EnvRuntime } from './model/env.js';
import type { TaskRuntime } from './model/task.js';
import type { NodeRuntime } from './nodes.js';
import { channelGraph } from './channels.js';
import { taskUnreachable, unreachableNodes } from './agents/unreachable.js';
import { collapseEdges, treeView } from './tree-view.js';

export function taskToProto(t: TaskRuntime): Task {
  const s = t.spec;
  return {
    id: t.id,
    name: t.name,
    role: s.rolePath || s.name,
    envId: t.env.id,
    className: s.className,
    state: t.state,
    node: t.node,
    pid: t.pid,
    critical: t.critical,
    lost: t.lost,
    control: s.control,
    driver: s.driver,
    exit: t.exit ?? undefined,
    cpu: t.cpu,
    rssBytes: t.rss,
    host: t.host,
    logPath: t.logPath,
    ports: t.ports,
    counters: t.counters,
    error: t.error ? detailToProto(t.error) : undefined,
    included: t.included,
    command: s.command ?? '',
    args: s.args ?? [],
    addresses: t.addresses,
    restarts: t.restarts,
    unreachable: taskUnreachable(t),
  };
}

export interface EnvView {
  withTasks?: boolean;
  withTree?: boolean;
  /** containers of more task leaves than this come collapsed (tree-view.ts); 0: the whole tree */
  treeLeafLimit?: number;
}

export function envToProto(env: EnvRuntime, view: EnvView = {}): Environment {
  const unreachable = unreachableNodes(env);
  const tree = view.withTree ? treeView(env, view.treeLeafLimit ?? 0) : undefined;
  return {
    id: env.id,
    name: env.name,
    workflow: env.workflow,
    state: env.state,
    runNumber: env.runNumber ?? undefined,
    owner: env.owner,
    createdMs: env.createdMs,
    updatedMs: env.updatedMs,
    vars: env.vars,
    repo: env.repo,
    revision: env.revision,
    tasks: view.withTasks ? env.tasks.map(taskToProto) : [],
    root: tree?.root,
    graph: tree ? collapseEdges(channelGraph(env), tree.collapsedInto) : undefined,
    counts: { total: env.counts.total, byState: env.counts.toObject(), lost: env.counts.lost },
    error: env.error ? detailToProto(env.error) : undefined,
    transition: env.ctx?.transition ?? '',
    degraded: env.degraded || unreachable.length > 0,
    unreachableNodes: unreachable,
    awaitingReap: [], // DestroyEnvironment fills it
    holder: env.hold?.holder ?? '',
    heldSinceMs: env.hold?.sinceMs ?? 0,
    claimedDetectors: env.claim ? [...env.claim.detectors] : [],
    claimedNodes: env.claim ? [...env.claim.nodes] : [],
    runType: env.runType,
  };
}

export function nodeToProto(n: NodeRuntime): Node {
  return {
    name: n.name,
    address: n.address,
    host: n.host,
    labels: n.labels,
    resources: { cpu: n.cpuCap, memoryBytes: n.memCap, portMin: n.portMin, portMax: n.portMax },
    up: n.up,
    lastSeenMs: n.lastSeenMs,
    cpu: n.cpu,
    memUsed: n.memUsed,
    memTotal: n.memTotal,
    tasks: n.tasks.size,
    sim: n.sim,
    pid: n.pid,
    suspect: n.suspect,
    suspectSinceMs: n.suspectSinceMs,
    refused: n.refused,
    owner: n.refusedOwner,
    loopLagMs: n.loopLagMs,
    schedule: scheduleState(n),
    usedBy: environmentsUsing(n),
    inInventory: n.inInventory,
  };
}

export function runToProto(r: RunRecord): Run {
  return {
    runNumber: r.runNumber,
    envId: r.envId,
    workflow: r.workflow,
    startedMs: r.startedMs,
    stoppedMs: r.stoppedMs,
    owner: r.owner,
    state: r.state,
    tasks: r.tasks,
    runType: r.runType ?? '',
    envName: r.envName ?? '',
    detectors: r.detectors ?? [],
    startedBy: r.startedBy ?? '',
    stoppedBy: r.stoppedBy ?? '',
    endReason: r.endReason ?? '',
    comments: [], // GetRun and CommentRun fill them
    config: undefined, // GetRun(with_config)
    summary: undefined, // GetRun and CommentRun, once the run has ended
  };
}
