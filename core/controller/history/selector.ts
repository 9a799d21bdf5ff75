// QueryHistory's request, checked and resolved once for both sources (the rings, Prometheus):
// which series (kind and labels), which range, which step. Bad input is a BAD_INPUT naming the
// field, an unknown environment, task or node a NOT_FOUND; nothing is read before that.
import { BatonError } from '../../model/errors.js';
import type { QueryHistoryRequest } from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import { taskSeriesLabel } from './collect.js';

export const KINDS = ['channels', 'task', 'nodes'] as const;
export type HistoryKind = (typeof KINDS)[number];
/** a series' points at most: a chart a few hundred pixels wide needs no more */
export const MAX_POINTS = 720;
export const DEFAULT_RANGE_MS = 3_600_000;

/** the metrics of each kind as the rings name them, and as the reply names them */
export const METRICS: Record<HistoryKind, { stored: string; reply: string }[]> = {
  channels: [
    { stored: 'msg_rate', reply: 'msg_rate' },
    { stored: 'byte_rate', reply: 'byte_rate' },
  ],
  task: [
    { stored: 'task_cpu', reply: 'cpu' },
    { stored: 'task_memory', reply: 'memory' },
  ],
  nodes: [
    { stored: 'cpu', reply: 'cpu' },
    { stored: 'memory', reply: 'memory' },
    { stored: 'memory_total', reply: 'memory_total' },
    { stored: 'load1', reply: 'load1' },
  ],
};

export interface HistorySelector {
  kind: HistoryKind;
  /** labels every series must carry */
  match: Record<string, string>;
  sinceMs: number;
  untilMs: number;
  /** the least step: the request's, raised so no series has more than MAX_POINTS */
  stepMs: number;
  note: string;
}

export function resolveSelector(controller: ControllerCore, req: QueryHistoryRequest, nowMs = Date.now()): HistorySelector {
  if (!(KINDS as readonly string[]).includes(req.kind)) {
    throw new BatonError('BAD_INPUT', `history kind ${JSON.stringify(req.kind)}: expected channels, task or nodes`, { where: 'kind' });
  }
  const kind = req.kind as HistoryKind;
  const untilMs = req.untilMs || nowMs;
  const sinceMs = req.sinceMs || untilMs - DEFAULT_RANGE_MS;
  if (sinceMs >= untilMs) {
    throw new BatonError(
      'BAD_INPUT',
      `the time range is empty: since (${new Date(sinceMs).toISOString()}) is not before until (${new Date(untilMs).toISOString()})`,
      { where: 'since_ms' },
    );
  }
  const stepMs = Math.max(req.stepMs, Math.ceil((untilMs - sinceMs) / MAX_POINTS));
  let match: Record<string, string> = {};
  let note = '';
  if (kind === 'channels') {
    if (!req.envId) throw new BatonError('BAD_INPUT', 'channel history needs env_id', { where: 'env_id' });
    if (!controller.envs.has(req.envId)) throw new BatonError('NOT_FOUND', `no environment ${req.envId}`, { where: 'env_id' });
    match = { env: req.envId };
  } else if (kind === 'task') {
    if (!req.taskId) throw new BatonError('BAD_INPUT', 'task history needs task_id', { where: 'task_id' });
    const task = controller.tasks.get(req.taskId);
    if (!task) throw new BatonError('NOT_FOUND', `no task ${req.taskId}`, { where: 'task_id' });
    const { label, perTask } = taskSeriesLabel(controller, task);
    match = { env: task.env.id, task: label };
    if (!perTask) note = `the environment is past the task label limit: this is the sum over ${label}`;
  } else if (req.node) {
    if (!controller.nodes.get(req.node)) throw new BatonError('NOT_FOUND', `no node ${req.node}`, { where: 'node' });
    match = { node: req.node };
  }
  return { kind, match, sinceMs, untilMs, stepMs, note };
}
