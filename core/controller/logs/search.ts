// SearchLogs: a search over the logs of many tasks of one environment. The tasks are grouped by
// node and each agent is asked once for all of its tasks (AgentSearchLogs), so a search over
// 1,000 tasks on 10 nodes is 10 calls; the answers are merged by the agents' capture times.
import * as grpc from '@grpc/grpc-js';
import type { AgentSearchLogsReply } from '../../rpc/gen/agent.js';
import type { LogEntry } from '../../rpc/gen/common.js';
import type { SearchLogsReply, SearchLogsRequest } from '../../rpc/gen/control.js';
import { BatonError } from '../../model/errors.js';
import { detailToProto, fromServiceError } from '../../rpc/errors.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import { globMatcher } from './glob.js';

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;
const AGENT_DEADLINE_MS = 30_000;

function environmentOf(controller: ControllerCore, id: string) {
  const env = controller.envs.get(id) ?? [...controller.envs.values()].find((e) => e.name === id);
  if (!env) throw new BatonError('NOT_FOUND', `environment ${id || '(empty id)'} not found`, { envId: id, where: 'env_id' });
  return env;
}

/** The tasks of the environment whose id (after `<env>/`) or role path matches the glob. */
function matchingTasks(controller: ControllerCore, req: SearchLogsRequest): TaskRuntime[] {
  const env = environmentOf(controller, req.envId);
  const match = globMatcher(req.tasks || '*');
  return env.tasks.filter((t) => {
    const rest = t.id.startsWith(`${env.id}/`) ? t.id.slice(env.id.length + 1) : t.id;
    return match(rest) || match(t.name);
  });
}

export async function searchLogs(controller: ControllerCore, req: SearchLogsRequest): Promise<SearchLogsReply> {
  const limit = Math.min(req.limit || DEFAULT_LIMIT, MAX_LIMIT);
  const tasks = matchingTasks(controller, req);
  const byNode = new Map<string, TaskRuntime[]>();
  for (const t of tasks) {
    if (!t.node) continue; // never placed: no log anywhere
    const list = byNode.get(t.node) ?? [];
    list.push(t);
    byNode.set(t.node, list);
  }
  const unavailable: BatonError[] = [];
  const replies = await Promise.all(
    [...byNode].map(async ([name, list]) => {
      const node = controller.nodes.get(name);
      const client = node?.up ? node.link?.rpc() : null;
      if (!client) {
        unavailable.push(
          new BatonError('UNAVAILABLE', `node ${name} is not connected: the logs of its ${list.length} task(s) were not searched`, { node: name }),
        );
        return null;
      }
      try {
        return await new Promise<AgentSearchLogsReply>((resolve, reject) =>
          client.searchLogs(
            { taskIds: list.map((t) => t.id), grep: req.grep, regex: req.regex, sinceMs: req.sinceMs, limit, tail: req.tail, markers: req.markers },
            new grpc.Metadata(),
            { deadline: Date.now() + AGENT_DEADLINE_MS },
            (err, reply) => (err ? reject(fromServiceError(err)) : resolve(reply)),
          ),
        );
      } catch (e) {
        const be = e instanceof BatonError ? e : new BatonError('INTERNAL', (e as Error).message);
        if (be.code === 'BAD_INPUT') throw be; // the pattern: the same answer from every agent
        unavailable.push(new BatonError(be.code, `node ${name}: ${be.message}`, { node: name }));
        return null;
      }
    }),
  );
  const entries: LogEntry[] = [];
  let truncated = false;
  for (const r of replies) {
    if (!r) continue;
    truncated ||= r.truncated;
    for (const e of r.entries) entries.push({ ...e, taskName: controller.tasks.get(e.taskId)?.name ?? '' });
  }
  entries.sort((a, b) => a.timeMs - b.timeMs);
  if (entries.length > limit) {
    truncated = true;
    entries.length = limit;
  }
  return { entries, truncated, tasks: tasks.length, unavailable: unavailable.map((e) => detailToProto(e.detail)) };
}
