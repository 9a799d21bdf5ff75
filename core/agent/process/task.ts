// One task of the process driver, and the structured errors that name it.
import type { TaskInfo, TaskUpdate } from '../../rpc/gen/agent.js';
import type { ChannelCounter, ErrorDetail, ExitInfo } from '../../rpc/gen/common.js';
import type { TransitionReply } from '../../rpc/gen/task.js';
import type { ErrorCode } from '../../model/errors.js';
import type { TaskState } from '../../model/states.js';
import type { TaskConn } from './control-server.js';
import type { ExitSource } from './spawner.js';
import type { PersistedTask } from './state-file.js';
import { lastLines } from './logs.js';
import { describeExit, errorDetail } from '../updates.js';

/** What is persisted (state-file.ts), with the types narrowed, plus what lives only in memory. */
export interface ProcTask extends Omit<PersistedTask, 'control' | 'state'> {
  control: 'controlled' | 'basic';
  state: TaskState;
  /** null for an adopted task (not our child, nor the spawn helper's: its exit is found by polling) */
  child: ExitSource | null;
  exit: ExitInfo | null;
  conn: TaskConn | null;
  /** called when the task says hello (or exits) */
  connWaiters: Set<() => void>;
  /** seq -> resolver: a reply, or null when the task exited */
  pending: Map<number, (r: TransitionReply | null) => void>;
  exitWaiters: Set<() => void>;
  counters: ChannelCounter[];
  /** the 'launched' update went out: an exit is reported as 'exited' */
  launched: boolean;
  /** the one EXIT this task is ever sent (task.proto: never twice), once sent; its reply when it came */
  exitAsk: Promise<TransitionReply | null | 'timeout'> | null;
  /** acknowledged an EXIT (transition or graded kill): the exit counts as DONE */
  exitRequested: boolean;
  /** once exitRequested: when its control_exit grace, counted from the EXIT reply, ends */
  exitGraceUntil: number;
  /** reaped: forgotten, its exit is not reported */
  silent: boolean;
  killSignal: string;
  killReason: string;
  killBatch: number;
  /** its item's position in killBatch (-1: none): its exit may answer the kill by position */
  killPosition: number;
  /**
   * The EXIT batch whose answer will carry this task's exit (exitBasicTasks): its exit is not
   * reported on its own, so a mass EXIT is one update per task, not an exit and an answer.
   * 0 once answered (or never in one).
   */
  exitAnswerBatch: number;
  /** its item's position in exitAnswerBatch (-1: none): that answer may go by position */
  exitAnswerPosition: number;
}

export function newTask(
  fields: Omit<
    ProcTask,
    | 'child'
    | 'exit'
    | 'conn'
    | 'connWaiters'
    | 'pending'
    | 'exitWaiters'
    | 'counters'
    | 'launched'
    | 'exitAsk'
    | 'exitRequested'
    | 'exitGraceUntil'
    | 'silent'
    | 'killSignal'
    | 'killReason'
    | 'killBatch'
    | 'killPosition'
    | 'exitAnswerBatch'
    | 'exitAnswerPosition'
  > & { child: ExitSource | null },
): ProcTask {
  return {
    ...fields,
    exit: null,
    conn: null,
    connWaiters: new Set(),
    pending: new Map(),
    exitWaiters: new Set(),
    counters: [],
    launched: false,
    exitAsk: null,
    exitRequested: false,
    exitGraceUntil: 0,
    silent: false,
    killSignal: '',
    killReason: '',
    killBatch: 0,
    killPosition: -1,
    exitAnswerBatch: 0,
    exitAnswerPosition: -1,
  };
}

export function toPersisted(t: ProcTask): PersistedTask {
  return {
    id: t.id,
    envId: t.envId,
    name: t.name,
    control: t.control,
    command: t.command,
    pid: t.pid,
    startTime: t.startTime,
    token: t.token,
    state: t.state,
    logPath: t.logPath,
    ports: t.ports,
    addresses: t.addresses,
    unixPaths: t.unixPaths,
    cleanupFiles: t.cleanupFiles,
    controlExitMs: t.controlExitMs,
    termMs: t.termMs,
  };
}

const jsonCache = new WeakMap<ProcTask, { state: string; json: string }>();

/**
 * toPersisted as JSON, kept per task until its state changes (the one persisted field that
 * changes after launch). tasks.json is rewritten every 50 ms while tasks start, and serializing
 * the whole table each time was a tenth of an agent's cpu when it launched 250 tasks.
 */
export function persistedJson(t: ProcTask): string {
  const c = jsonCache.get(t);
  if (c && c.state === t.state) return c.json;
  const json = JSON.stringify(toPersisted(t));
  jsonCache.set(t, { state: t.state, json });
  return json;
}

export function taskInfo(t: ProcTask): TaskInfo {
  return {
    taskId: t.id,
    envId: t.envId,
    name: t.name,
    state: t.state,
    pid: t.pid,
    driver: 'process',
    ports: t.ports,
    logPath: t.logPath,
    exit: t.exit ?? undefined,
    addresses: t.addresses,
    // a transition awaits its reply: a restarted controller waits for it (agent.proto)
    busy: !t.exit && t.pending.size > 0,
  };
}

export function taskError(
  t: ProcTask,
  node: string,
  code: ErrorCode,
  message: string,
  extra: { transition?: string; data?: Record<string, string>; withoutLastLines?: boolean } = {},
): ErrorDetail {
  const { withoutLastLines, ...fields } = extra;
  return errorDetail(code, message, {
    envId: t.envId,
    taskId: t.id,
    taskName: t.name,
    node,
    exitCode: t.exit && !t.exit.signal ? t.exit.code : undefined,
    signal: t.exit?.signal || undefined,
    lastLines: withoutLastLines ? [] : lastLines(t.logPath, 20),
    ...fields,
  });
}

/** The error for a task that has exited (crashed, or was killed) when something needed it. */
export function exitedError(t: ProcTask, node: string, transition?: string): ErrorDetail {
  const what = transition ? ` during ${transition}` : '';
  return taskError(t, node, 'TASK_FAILED', `task ${t.name} exited${what} (${describeExit(t.exit!)})`, { transition });
}

export type Push = (u: TaskUpdate) => void;

/** Resolves true once the task has exited (at once if it has), false when `ms` passes first. */
export function waitForExit(t: ProcTask, ms: number): Promise<boolean> {
  if (t.exit) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(timer);
      t.exitWaiters.delete(w);
      resolve(v);
    };
    const w = () => done(true);
    const timer = setTimeout(() => done(!!t.exit), ms);
    t.exitWaiters.add(w);
  });
}
