// The console's client-side state. Data comes from the API (lists, details) and is kept current by
// the event stream; UI state (theme, dialogs) lives beside it.
import type { AwaitingReap, ChannelGraph, Environment, Event, Info, Node, Role, Run, Task, Template } from '../../../core/rpc/gen/control.js';

export type ConnStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unauthenticated';

export interface Connection {
  status: ConnStatus;
  /** the last event seq applied: the stream resumes after it */
  lastSeq: number;
  attempt: number;
  /** why the last attempt failed, for the status tooltip */
  reason?: string;
  sinceMs: number;
}

/** A transition under way on an environment (from our own call or from env.transition events). */
export interface Progress {
  transition: string;
  phase: string;
  done: number;
  total: number;
  startedMs: number;
}

export interface Notice {
  id: number;
  level: 'error' | 'info' | 'success';
  title: string;
  body: string;
  envId?: string;
  timeMs: number;
}

export interface NodeSample {
  t: number;
  cpu: number;
  memUsed: number;
  memTotal: number;
}

export interface EnvDetail {
  root?: Role;
  graph?: ChannelGraph;
  fetchedMs: number;
}

/** What a batch of events asks of the outside world (refetches, notifications). */
export type Effect =
  | { kind: 'refreshEnvs' }
  | { kind: 'refreshRuns' }
  | { kind: 'refreshNodes' }
  | { kind: 'refreshEnv'; envId: string }
  | { kind: 'notify'; notice: Omit<Notice, 'id'> };

export interface DataState {
  info?: Info;
  envs: Map<string, Environment>;
  /** env id -> its task ids (known once the environment's tasks were fetched) */
  envTaskIds: Map<string, string[]>;
  tasks: Map<string, Task>;
  details: Map<string, EnvDetail>;
  progress: Map<string, Progress>;
  /**
   * env id -> the event seq its last transition answered on this page ended at (ControlProgress
   * endSeq): that transition's events up to it are older than the answer (store/progress.ts)
   */
  transitionsAnswered: Map<string, number>;
  /**
   * env ids whose transition's end event came: a tick of the page's own stream still on its way
   * does not bring the bar back; the next transition's begin clears it (store/progress.ts)
   */
  transitionsEnded: Set<string>;
  /** newest last, capped */
  events: Event[];
  lastSeq: number;
  nodes: Map<string, Node>;
  nodeHistory: Map<string, NodeSample[]>;
  /** node -> tasks of destroyed environments that may still run there (store/reaps.ts) */
  awaitingReap: Map<string, AwaitingReap[]>;
  runs: Run[];
  templates: Template[];
}

export type Theme = 'light' | 'dark';
