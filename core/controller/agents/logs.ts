// Task logs live on the task's node: the controller reads them through its agent's TaskLogs
// stream (a proxy for clients, and the last lines of a failed task for its error).
import type * as grpc from '@grpc/grpc-js';
import type { LogChunk } from '../../rpc/gen/common.js';
import { AgentTaskLogsRequest } from '../../rpc/gen/agent.js';
import { BatonError } from '../../model/errors.js';
import { fromServiceError } from '../../rpc/errors.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';

/** TaskLogsRequest without the task id (the agent's request has the same fields) */
export type LogRequest = Omit<AgentTaskLogsRequest, 'taskId'>;

function clientFor(controller: ControllerCore, t: TaskRuntime) {
  const node = controller.nodeOf(t);
  const client = node?.up ? node.link?.rpc() : null;
  if (!node || !client) {
    throw new BatonError('UNAVAILABLE', `the logs of task ${t.name} are on node ${t.node || '(none)'}, which is not connected`, {
      taskId: t.id,
      taskName: t.name,
      node: t.node,
    });
  }
  return client;
}

/** Streams a task's log chunks to `onChunk`; returns a cancel function. */
export function openTaskLogs(
  controller: ControllerCore,
  t: TaskRuntime,
  req: LogRequest,
  on: { chunk(c: LogChunk): void; end(err: BatonError | null): void },
): () => void {
  const { taskId: _ignored, ...fields } = req as LogRequest & { taskId?: string };
  const stream = clientFor(controller, t).taskLogs({ ...fields, taskId: t.id });
  let ended = false;
  const end = (err: BatonError | null) => {
    if (!ended) {
      ended = true;
      on.end(err);
    }
  };
  stream.on('data', (c: LogChunk) => on.chunk(c));
  stream.on('error', (e: grpc.ServiceError) => end(e.code === 1 /* CANCELLED */ ? null : fromServiceError(e)));
  stream.on('end', () => end(null));
  return () => {
    ended = true;
    stream.cancel();
  };
}

/** The last lines a task printed, or [] when they cannot be had within `timeoutMs`. */
export function fetchLastLines(controller: ControllerCore, t: TaskRuntime, n = 20, timeoutMs = 1500): Promise<string[]> {
  return new Promise((resolve) => {
    const lines: string[] = [];
    let cancel: (() => void) | null = null;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cancel?.();
      resolve(lines.slice(-n));
    };
    const timer = setTimeout(settle, timeoutMs);
    try {
      cancel = openTaskLogs(
        controller,
        t,
        { ...AgentTaskLogsRequest.fromPartial({}), tail: n },
        {
          chunk: (c) => {
            lines.push(...c.lines);
            if (c.eof) settle();
          },
          end: settle,
        },
      );
    } catch {
      clearTimeout(timer);
      resolve([]);
    }
  });
}
