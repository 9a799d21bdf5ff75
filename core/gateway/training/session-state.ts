// The state of a console training session, built from the runner's notices: a pure fold, so that
// the panel's view of a session (and its tests) need no stack.
import { describe, questionOf } from '../../training/conditions.js';
import type { TrainingNotice } from '../../training/notices.js';
import type { TrainingReport } from '../../training/report.js';
import type { Walkthrough } from '../../training/types.js';
import type { SessionChange, SessionMessageKind, TrainingSessionState } from './contract.js';

export function newSessionState(w: Walkthrough, trainee: string, id: string, nowMs: number): TrainingSessionState {
  return {
    id,
    walkthrough: w.id,
    title: w.title,
    summary: w.summary,
    trainee,
    startedMs: nowMs,
    envId: '',
    phase: 'preparing',
    current: -1,
    steps: w.steps.map((s) => ({
      title: s.title,
      instructions: s.instructions,
      waitingFor: describe(s.done),
      question: questionOf(s.done) ?? '',
      status: 'pending',
      startedMs: 0,
      durationMs: 0,
      hints: [],
      faults: [],
      wrongActions: [],
    })),
    messages: [],
    question: '',
    answerRejected: false,
    outcome: '',
    reason: '',
    debrief: '',
    report: null,
    reportName: '',
    version: 0,
  };
}

function message(state: TrainingSessionState, kind: SessionMessageKind, step: number, text: string, nowMs: number): void {
  state.messages.push({ atMs: nowMs, kind, step, text });
}

/** Applies one notice of the runner (in place; returns the state). */
export function applyNotice(state: TrainingSessionState, n: TrainingNotice, nowMs: number): TrainingSessionState {
  const step = 'index' in n ? state.steps[n.index] : undefined;
  switch (n.kind) {
    case 'environment':
      state.envId = n.envId;
      message(state, 'info', -1, `environment ${n.envId} created; bringing it to the starting state`, nowMs);
      break;
    case 'step':
      if (!step) break;
      state.phase = 'step';
      state.current = n.index;
      state.question = '';
      state.answerRejected = false;
      step.status = 'current';
      step.startedMs = nowMs;
      message(state, 'info', n.index, `step ${n.index + 1}: ${step.title}`, nowMs);
      break;
    case 'fault':
      step?.faults.push(n.text);
      message(state, 'fault', n.index, `a fault was injected: ${n.text}`, nowMs);
      break;
    case 'hint':
      step?.hints.push(n.text);
      message(state, 'hint', n.index, n.text, nowMs);
      break;
    case 'step-done':
      if (!step) break;
      step.status = 'done';
      step.durationMs = n.durationMs;
      state.question = '';
      state.answerRejected = false;
      message(state, 'done', n.index, `done: ${step.title}`, nowMs);
      if (n.index === state.steps.length - 1) state.phase = 'judging';
      break;
    case 'wrong-action':
      step?.wrongActions.push(n.text);
      message(state, 'wrong-action', n.index, `step ${n.index + 1}: wrong action: ${n.text}`, nowMs);
      break;
  }
  return state;
}

/** The runner asks the step's question: for the first time, or again after an answer that did not hold. */
export function applyQuestion(state: TrainingSessionState, question: string, again: boolean, nowMs: number): TrainingSessionState {
  state.question = question;
  state.answerRejected = again;
  if (again) message(state, 'info', state.current, 'not quite: look again', nowMs);
  return state;
}

/** The walkthrough ended: its report (saved as `reportName`) and, when completed, the debrief. */
export function applyEnd(state: TrainingSessionState, report: TrainingReport, debrief: string, reportName: string, nowMs: number): TrainingSessionState {
  state.phase = 'ended';
  state.question = '';
  state.outcome = report.outcome;
  state.reason = report.reason ?? '';
  state.report = report;
  state.reportName = reportName;
  state.envId = report.envId || state.envId;
  report.steps.forEach((r, i) => {
    const s = state.steps[i];
    if (!s) return;
    s.durationMs = r.durationMs;
    s.status = r.completed ? 'done' : 'not done';
  });
  if (report.outcome === 'completed') state.debrief = debrief;
  else message(state, 'error', state.current, `${report.outcome}${report.reason ? `: ${report.reason}` : ''}`, nowMs);
  return state;
}

/** What changed from `before` to `after` (the same session, one version later): what the stream
 *  sends instead of the whole session. */
export function diffSession(before: TrainingSessionState, after: TrainingSessionState): SessionChange {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof TrainingSessionState)[]) {
    if (key === 'id' || key === 'steps' || key === 'messages' || key === 'version') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) fields[key] = after[key];
  }
  return {
    sessionId: after.id,
    version: after.version,
    fields: fields as SessionChange['fields'],
    steps: after.steps.flatMap((step, index) => (JSON.stringify(step) === JSON.stringify(before.steps[index]) ? [] : [{ index, step }])),
    messages: after.messages.slice(before.messages.length),
  };
}
