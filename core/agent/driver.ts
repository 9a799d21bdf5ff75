// What the agent asks of a driver (process or sim). Drivers answer every item through the
// UpdateSink and resolve their promise once every item of the batch has been answered.
import type { LaunchSpec, TaskInfo, TaskMetrics, TaskTransition } from '../rpc/gen/agent.js';
import type { TaskEvent } from '../model/states.js';

export interface LogRequest {
  tail: number;
  follow: boolean;
  grep: string;
  /** called with each chunk; returns false when the reader is gone */
  send(lines: string[], offset: number, eof: boolean): boolean;
  /** resolves when the client goes away */
  cancelled: Promise<void>;
}

export interface Driver {
  readonly kind: 'process' | 'sim';
  has(taskId: string): boolean;
  /** true when the task is known and has not exited (a launch with its id is refused) */
  isLive(taskId: string): boolean;
  forget(taskId: string): void;
  launch(batchId: number, specs: LaunchSpec[], deadlineMs: number): Promise<void>;
  transition(batchId: number, event: TaskEvent, deadlineMs: number, items: TaskTransition[]): Promise<void>;
  kill(batchId: number, taskIds: string[], graded: boolean, reason: string): Promise<void>;
  /** kill and forget, no updates */
  reap(taskIds: string[]): void;
  taskInfos(): TaskInfo[];
  /** resolves once every adopted task that reports its own state has done so, or after maxMs */
  reconnected?(maxMs: number): Promise<void>;
  metrics(): TaskMetrics[];
  count(): number;
  logs(taskId: string, req: LogRequest): Promise<void>;
  stop(killTasks: boolean): Promise<void>;
}
