// Control RPCs on tasks: list (filtered, sorted, paged: task-query.ts), kill (fault injection), logs (proxied to the agent).
import type {
  ControlServer,
  KillTaskRequest,
  ListTasksReply,
  ListTasksRequest,
  SearchLogsReply,
  SearchLogsRequest,
  Task,
  TaskLogsRequest,
} from '../../rpc/gen/control.js';
import { searchLogs } from '../logs/search.js';
import type { LogChunk } from '../../rpc/gen/common.js';
import { toServiceError } from '../../rpc/errors.js';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import type { TaskRuntime } from '../model/task.js';
import { taskToProto } from '../convert.js';
import { openTaskLogs } from '../agents/logs.js';
import { queryTasks } from './task-query.js';
import { serverStream, unary } from './wrap.js';

function getTask(controller: ControllerCore, id: string): TaskRuntime {
  const t = controller.tasks.get(id);
  if (!t) throw new BatonError('NOT_FOUND', `task ${id || '(empty id)'} not found`, { taskId: id, where: 'id' });
  return t;
}

/** KillBatch has no signal field: SIGKILL (the default) is a non-graded kill, SIGTERM a graded one. */
function gradedFor(signal: string): boolean {
  const s = signal.toUpperCase();
  if (s === '' || s === 'SIGKILL' || s === 'KILL' || s === '9') return false;
  if (s === 'SIGTERM' || s === 'TERM' || s === '15') return true;
  throw new BatonError('BAD_INPUT', `signal ${signal} is not supported: use SIGKILL (default) or SIGTERM`, { where: 'signal' });
}

export function taskHandlers(controller: ControllerCore): Pick<ControlServer, 'listTasks' | 'killTask' | 'taskLogs' | 'searchLogs'> {
  return {
    listTasks: unary<ListTasksRequest, ListTasksReply>(controller, (req) => queryTasks(controller, req)),

    killTask: unary<KillTaskRequest, Task>(controller, (req) => {
      const t = getTask(controller, req.id);
      const graded = gradedFor(req.signal);
      const node = controller.nodeOf(t);
      if (!t.launched) {
        throw new BatonError('BAD_INPUT', `task ${t.name} is not running (state ${t.state})`, { taskId: t.id, taskName: t.name, where: 'id' });
      }
      if (
        !node?.up ||
        !node.link?.send({
          msg: { $case: 'kill', kill: { batchId: controller.newBatchId(), taskIds: [t.id], graded, reason: 'KillTask', exitsByPosition: false } },
        })
      ) {
        throw new BatonError('UNAVAILABLE', `node ${t.node} of task ${t.name} is not connected`, { taskId: t.id, taskName: t.name, node: t.node });
      }
      controller.emit({
        kind: 'task.event',
        envId: t.env.id,
        taskId: t.id,
        node: t.node,
        message: `task ${t.name} killed on request (${graded ? 'SIGTERM, graded' : 'SIGKILL'})`,
        data: { name: t.name, event: 'KILL_REQUESTED' },
      });
      return taskToProto(t);
    }),

    taskLogs: serverStream<TaskLogsRequest, LogChunk>(controller, async (req, call) => {
      const t = getTask(controller, req.taskId);
      let ended = false;
      const cancel = openTaskLogs(controller, t, req, {
        chunk: (c) => {
          if (!ended) call.write(c);
        },
        end: (err) => {
          if (ended) return;
          ended = true;
          if (err) call.emit('error', toServiceError(err));
          else call.end();
        },
      });
      call.on('cancelled', () => {
        ended = true;
        cancel();
      });
    }),

    searchLogs: unary<SearchLogsRequest, SearchLogsReply>(controller, (req) => searchLogs(controller, req)),
  };
}
