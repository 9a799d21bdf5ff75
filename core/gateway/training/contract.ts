// The console's training contract: the routes of the training session host (core/gateway/training/)
// and their types, shared by the gateway and the renderer like ../contract.ts. Browser-safe: only
// type imports.
//
// Every route is POST /api/training/<Method> with a JSON request, answered by JSON, or by the
// gateway's ErrorBody with a fitting HTTP status. The host runs on a training stack only
// (GetInfo.training) and only when the gateway knows the local stack's home (agent faults signal
// its processes); elsewhere every route but ListWalkthroughs and the reports answers
// PERMISSION_DENIED or UNAVAILABLE, naming why. One session at a time per gateway (one stack).
//
// The session's progress reaches the page as a stream, over the gateway's WebSocket bridge like
// the Control streams (../streams.ts): /ws/training/WatchSession. The page's first frame is the
// request ({}); the gateway answers with frames (../contract.ts StreamFrameOf) carrying
// TrainingStreamMessage values: first the session as it is now (the running or last one, or
// null), then each change of it, and a whole session again when another one starts. A page that
// reconnects gets the session as it is then, and the changes from there: nothing is polled.
import type { TrainingNotice } from '../../training/notices.js';
import type { StepReport, TrainingReport } from '../../training/report.js';

export const TRAINING_PREFIX = '/api/training/';

export interface WalkthroughSummary {
  id: string;
  title: string;
  audience: string;
  summary: string;
  steps: number;
  workflow: string;
}

export interface WalkthroughList {
  /** whether a walkthrough can start here; when not, `reason` says why (a production stack) */
  available: boolean;
  reason: string;
  walkthroughs: WalkthroughSummary[];
}

export type SessionStepStatus = 'pending' | 'current' | 'done' | 'not done';

export interface SessionStep {
  title: string;
  /** Markdown */
  instructions: string;
  /** what the step waits for, in words (the live condition that ends it) */
  waitingFor: string;
  /** the question the step asks, if it asks one */
  question: string;
  status: SessionStepStatus;
  startedMs: number;
  durationMs: number;
  hints: string[];
  faults: string[];
  wrongActions: string[];
}

export type SessionMessageKind = 'info' | 'hint' | 'fault' | 'wrong-action' | 'done' | 'error';

export interface SessionMessage {
  atMs: number;
  kind: SessionMessageKind;
  /** the step it belongs to (-1: the walkthrough's) */
  step: number;
  text: string;
}

export type SessionPhase = 'preparing' | 'step' | 'judging' | 'ended';

export interface TrainingSessionState {
  id: string;
  walkthrough: string;
  title: string;
  summary: string;
  trainee: string;
  startedMs: number;
  envId: string;
  phase: SessionPhase;
  /** the current step (0-based), -1 before the first */
  current: number;
  steps: SessionStep[];
  messages: SessionMessage[];
  /** the question waiting for the trainee's answer ('' when none) */
  question: string;
  /** the last answer was not accepted: the trainee should look again */
  answerRejected: boolean;
  /** with phase 'ended' */
  outcome: TrainingReport['outcome'] | '';
  reason: string;
  /** Markdown, with a completed walkthrough */
  debrief: string;
  report: TrainingReport | null;
  /** the saved report's name (ReadReport takes it) */
  reportName: string;
  /** how many changes the session went through: a change carries the version it makes, a copy
   *  takes only the change that follows its own version (StartSession's reply and the stream's
   *  copy are then never mixed up) */
  version: number;
}

/** One change of a session, as streamed: what differs from the version before. */
export interface SessionChange {
  sessionId: string;
  /** the session's version after this change (the one before it + 1) */
  version: number;
  /** the fields that changed, with their new values (all but id, steps, messages, version) */
  fields: Partial<Omit<TrainingSessionState, 'id' | 'steps' | 'messages' | 'version'>>;
  /** the steps that changed, whole */
  steps: { index: number; step: SessionStep }[];
  /** the messages added (messages are only ever added) */
  messages: SessionMessage[];
}

/** What the session stream sends (TRAINING_STREAM). */
export type TrainingStreamMessage =
  /** the session as it is now: when the page (re)connects, and when another session starts */
  { kind: 'session'; session: TrainingSessionState | null } | { kind: 'change'; change: SessionChange };

/** The session stream's name under the gateway's WebSocket prefix: /ws/training/WatchSession. */
export const TRAINING_STREAM = 'training/WatchSession';

/**
 * The session after one change (a new object; the old one is left as it was), or null when the
 * change does not follow this copy (another session, or a change missed): the copy must then be
 * fetched again (the stream sends the whole session when it is reopened).
 */
export function applySessionChange(state: TrainingSessionState, change: SessionChange): TrainingSessionState | null {
  if (change.sessionId !== state.id || change.version !== state.version + 1) return null;
  const steps = change.steps.length ? state.steps.slice() : state.steps;
  for (const { index, step } of change.steps) steps[index] = step;
  const messages = change.messages.length ? [...state.messages, ...change.messages] : state.messages;
  return { ...state, ...change.fields, steps, messages, version: change.version };
}

export interface SavedReportSummary {
  name: string;
  walkthrough: string;
  title: string;
  trainee: string;
  scripted: boolean;
  startedMs: number;
  durationMs: number;
  outcome: TrainingReport['outcome'];
  hints: number;
  wrongActions: number;
}

export interface TrainingContract {
  ListWalkthroughs: { req: Record<string, never>; res: WalkthroughList };
  StartSession: { req: { walkthrough: string; trainee: string }; res: TrainingSessionState };
  /** the running (or last ended) session of this gateway; null before the first */
  GetSession: { req: Record<string, never>; res: { session: TrainingSessionState | null } };
  AnswerQuestion: { req: { answer: string }; res: TrainingSessionState };
  StopSession: { req: Record<string, never>; res: TrainingSessionState };
  ListReports: { req: Record<string, never>; res: { reports: SavedReportSummary[] } };
  ReadReport: { req: { name: string }; res: { name: string; report: TrainingReport } };
}

export type TrainingMethod = keyof TrainingContract;
export type TrainingRequest<M extends TrainingMethod> = TrainingContract[M]['req'];
export type TrainingReply<M extends TrainingMethod> = TrainingContract[M]['res'];

const METHODS: Record<TrainingMethod, true> = {
  ListWalkthroughs: true,
  StartSession: true,
  GetSession: true,
  AnswerQuestion: true,
  StopSession: true,
  ListReports: true,
  ReadReport: true,
};

export function isTrainingMethod(s: string): s is TrainingMethod {
  return Object.prototype.hasOwnProperty.call(METHODS, s);
}

export type { StepReport, TrainingNotice, TrainingReport };
