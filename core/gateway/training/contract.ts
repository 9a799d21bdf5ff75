// The console's training contract: the routes of the training session host (core/gateway/training/)
// and their types, shared by the gateway and the renderer like ../contract.ts. Browser-safe: only
// type imports.
//
// Every route is POST /api/training/<Method> with a JSON request, answered by JSON, or by the
// gateway's ErrorBody with a fitting HTTP status. The host runs on a training stack only
// (GetInfo.training) and only when the gateway knows the local stack's home (agent faults signal
// its processes); elsewhere every route but ListWalkthroughs and the reports answers
// PERMISSION_DENIED or UNAVAILABLE, naming why. One session at a time per gateway (one stack).
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
