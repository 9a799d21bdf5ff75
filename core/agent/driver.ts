// What the agent asks of a driver (process or sim). Drivers answer every item through the
// UpdateSink and resolve their promise once every item of the batch has been answered.
import type { LaunchSpec, TaskInfo, TaskMetrics, TaskTransition } from '../rpc/gen/agent.js';
import type { TaskEvent } from '../model/states.js';
import type { LogEntry } from '../rpc/gen/common.js';

export interface LogRequest {
  tail: number;
  follow: boolean;
  grep: string;
  /** paging, search and resume (docs/logs.md); absent fields: the plain tail/follow/grep */
  regex?: boolean;
  sinceMs?: number;
  hasFrom?: boolean;
  fromPosition?: number;
  toPosition?: number;
  limit?: number;
  afterMarkerMs?: number;
  markers?: boolean;
  /** called with each chunk; returns false when the reader is gone */
  send(lines: string[], offset: number, eof: boolean, extra?: LogChunkExtra): boolean;
  /** resolves when the client goes away */
  cancelled: Promise<void>;
}

/** what a chunk carries besides its plain lines: the entries with times and markers */
export interface LogChunkExtra {
  entries: LogEntry[];
  first: number;
  end: number;
  truncated: boolean;
}

export interface Driver {
  readonly kind: 'process' | 'sim';
  has(taskId: string): boolean;
  /** true when the task is known and has not exited (a launch with its id is refused) */
  isLive(taskId: string): boolean;
  forget(taskId: string): void;
  /** positions: each spec's (item's) index in the batch as the controller sent it, for answers by
   *  position (UpdateSink.answered); a driver may ignore them and answer by task id */
  launch(batchId: number, specs: LaunchSpec[], deadlineMs: number, positions: readonly number[]): Promise<void>;
  transition(batchId: number, event: TaskEvent, deadlineMs: number, items: TaskTransition[], positions: readonly number[]): Promise<void>;
  /** positions: each id's index in the batch, for exits by position (UpdateSink.answeredExit) */
  kill(batchId: number, taskIds: string[], graded: boolean, reason: string, positions: readonly number[]): Promise<void>;
  /** kill and forget, no updates */
  reap(taskIds: string[]): void;
  taskInfos(): TaskInfo[];
  /** resolves once every adopted task that reports its own state has done so, or after maxMs */
  reconnected?(maxMs: number): Promise<void>;
  metrics(): TaskMetrics[];
  count(): number;
  logs(taskId: string, req: LogRequest): Promise<void>;
  /** a task's log file and whether it has exited (null: the task has no file, as a simulated one) */
  logFile?(taskId: string): { path: string; complete: boolean } | null;
  stop(killTasks: boolean): Promise<void>;
}
