// The --json shapes (docs/design.md, "Contracts"): an environment has id, state, runNumber (null
// outside a run), workflow, tasks[] with id, name, role, state, node, pid, critical.
import { summaryJson } from './run-summary.js';
import type { ErrorDetailLike } from '../model/errors.js';
import { detailFromProto } from '../rpc/errors.js';
import type { ErrorDetail } from '../rpc/gen/common.js';
import type { Environment, Event, Node, Role, Run, Task, Template } from '../rpc/gen/control.js';

export function errorJson(e: ErrorDetail | undefined): ErrorDetailLike | null {
  return e && e.code ? detailFromProto(e) : null;
}

export function taskJson(t: Task) {
  return {
    id: t.id,
    name: t.name,
    role: t.role || t.name,
    state: t.state,
    node: t.node || null,
    pid: t.pid > 0 ? t.pid : null,
    critical: t.critical,
    lost: t.lost,
    unreachable: t.unreachable,
    included: t.included,
    restarts: t.restarts,
    className: t.className,
    control: t.control,
    driver: t.driver,
    host: t.host || null,
    exit: t.exit?.exited ? { code: t.exit.code, signal: t.exit.signal || null, timeMs: t.exit.timeMs } : null,
    error: errorJson(t.error),
    cpu: t.cpu,
    rssBytes: t.rssBytes,
    logPath: t.logPath || null,
    ports: t.ports,
    addresses: t.addresses,
  };
}

export interface RoleJson {
  path: string;
  name: string;
  kind: string;
  state: string;
  critical: boolean;
  included: boolean;
  taskId: string | null;
  nmin?: number;
  children: RoleJson[];
}

export function roleJson(r: Role): RoleJson {
  const j: RoleJson = {
    path: r.path,
    name: r.name,
    kind: r.kind,
    state: r.state,
    critical: r.critical,
    included: r.included,
    taskId: r.taskId || null,
    children: r.children.map(roleJson),
  };
  if (r.nmin) j.nmin = r.nmin;
  return j;
}

export function envJson(e: Environment, opts: { tree?: boolean } = {}) {
  const doc: Record<string, unknown> = {
    id: e.id,
    name: e.name,
    runType: e.runType || null,
    state: e.state,
    runNumber: e.runNumber ?? null,
    workflow: e.workflow,
    owner: e.owner,
    createdMs: e.createdMs,
    updatedMs: e.updatedMs,
    vars: e.vars,
    repo: e.repo,
    revision: e.revision,
    transition: e.transition || null,
    degraded: e.degraded,
    holder: e.holder || null,
    heldSinceMs: e.heldSinceMs || null,
    claims: { detectors: e.claimedDetectors, nodes: e.claimedNodes },
    unreachableNodes: e.unreachableNodes,
    counts: e.counts ? { total: e.counts.total, byState: e.counts.byState, lost: e.counts.lost } : null,
    error: errorJson(e.error),
    tasks: e.tasks.map(taskJson),
  };
  if (opts.tree) {
    doc.root = e.root ? roleJson(e.root) : null;
    doc.channels = (e.graph?.edges ?? []).map((c) => ({
      from: c.from ? { role: c.from.role, channel: c.from.channel, address: c.from.address } : null,
      to: c.to ? { role: c.to.role, channel: c.to.channel, address: c.to.address } : null,
      type: c.type,
      msgRate: c.msgRate,
      byteRate: c.byteRate,
    }));
  }
  return doc;
}

export function nodeJson(n: Node) {
  return {
    name: n.name,
    address: n.address,
    host: n.host,
    labels: n.labels,
    up: n.up,
    sim: n.sim,
    pid: n.pid > 0 ? n.pid : null,
    tasks: n.tasks,
    cpu: n.cpu,
    memUsed: n.memUsed,
    memTotal: n.memTotal,
    lastSeenMs: n.lastSeenMs,
    resources: n.resources ?? null,
  };
}

export function runJson(r: Run) {
  return {
    runNumber: r.runNumber,
    envId: r.envId,
    workflow: r.workflow,
    startedMs: r.startedMs,
    stoppedMs: r.stoppedMs || null,
    owner: r.owner,
    state: r.state,
    tasks: r.tasks,
    runType: r.runType || null,
    envName: r.envName || null,
    detectors: r.detectors,
    startedBy: r.startedBy || null,
    stoppedBy: r.stoppedBy || null,
    endReason: r.endReason || null,
  };
}

/** `baton run show --json`: the run, its comments and (when fetched) its configuration snapshot. */
export function runRecordJson(r: Run) {
  const c = r.config;
  return {
    ...runJson(r),
    comments: r.comments.map((x) => ({ user: x.user, timeMs: x.timeMs, text: x.text })),
    summary: summaryJson(r.summary),
    config: c
      ? {
          workflow: c.workflow,
          file: c.file,
          repo: c.repo,
          revision: c.revision || null,
          vars: c.vars,
          varsInForce: c.varsInForceJson ? JSON.parse(c.varsInForceJson) : {},
          excludedRoles: c.excludedRoles,
          size: { tasks: c.tasks, hooks: c.hooks, channels: c.channels },
          // with --config only: tens of MB for a 150k-task environment
          rendered: c.renderedJson ? JSON.parse(c.renderedJson) : null,
        }
      : null,
  };
}

export function eventJson(e: Event) {
  return {
    seq: e.seq,
    timeMs: e.timeMs,
    kind: e.kind,
    envId: e.envId || null,
    taskId: e.taskId || null,
    node: e.node || null,
    state: e.state || null,
    transition: e.transition || null,
    message: e.message || null,
    runNumber: e.runNumber || null,
    error: errorJson(e.error),
    data: e.data,
  };
}

export function templateJson(t: Template) {
  return {
    name: t.name,
    repo: t.repo,
    file: t.file,
    description: t.description,
    revision: t.revision || null,
    vars: t.vars.map((v) => ({
      name: v.name,
      type: v.type,
      default: safeParse(v.defaultJson),
      label: v.label || null,
      description: v.description || null,
      public: v.public,
      widget: v.widget || null,
      values: v.values.length ? v.values : undefined,
      min: v.min,
      max: v.max,
    })),
  };
}

function safeParse(s: string): unknown {
  if (!s) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
