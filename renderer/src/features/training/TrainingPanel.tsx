// The training side panel: beside every page while a walkthrough runs from the console. It leads
// the trainee step by step (instructions, what the step waits for, hints and injected faults as
// they come, an answer field when the step asks), and ends with the report and the debrief.
import { useEffect, useState, type FormEvent } from 'react';
import type { BatonError } from '../../../../core/model/errors.js';
import type { TrainingSessionState } from '../../../../core/gateway/training/contract.js';
import { asBatonError } from '../../api/errors.js';
import { useConsole } from '../../store/context.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { trainingCall } from './api.js';
import { Markdown } from './Markdown.js';
import { ReportView } from './ReportView.js';
import { dismissSession, sessionChanged, setCollapsed, useTrainingSession, watchSession } from './sessionStore.js';
import './training.css';

function AnswerForm({ session, onError }: { session: TrainingSessionState; onError(e: BatonError | null): void }) {
  const [answer, setAnswer] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    trainingCall('AnswerQuestion', { answer })
      .then((s) => {
        setAnswer('');
        onError(null);
        sessionChanged(s);
      })
      .catch((err) => onError(asBatonError(err)));
  };
  return (
    <form className="training-answer" onSubmit={submit}>
      <label htmlFor="training-answer">{session.question}</label>
      <div className="row">
        <input id="training-answer" value={answer} onChange={(e) => setAnswer(e.target.value)} autoComplete="off" />
        <button type="submit" className="primary" disabled={!answer.trim()}>
          Answer
        </button>
      </div>
      {session.answerRejected ? (
        <p role="alert" className="warn-text">
          Not quite: look again.
        </p>
      ) : null}
    </form>
  );
}

function CurrentStep({ session }: { session: TrainingSessionState }) {
  const step = session.steps[session.current];
  if (!step) return <p role="status">Preparing the environment: bringing it to the walkthrough's starting state…</p>;
  return (
    <section aria-labelledby="training-step-h" className="training-step">
      <h3 id="training-step-h">
        Step {session.current + 1} of {session.steps.length}: {step.title}
      </h3>
      <Markdown text={step.instructions} />
      <p role="status" className="training-check">
        {step.status === 'done' ? 'Done.' : `Waiting for: ${step.waitingFor}`}
      </p>
      {step.hints.length ? (
        <ul aria-label="Hints" className="training-hints">
          {step.hints.map((h, i) => (
            <li key={i}>
              <span aria-hidden="true">💡 </span>
              {h}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function TrainingPanel() {
  const training = useConsole((s) => s.info?.training ?? false);
  const { session, collapsed, error: streamError } = useTrainingSession();
  const [error, setError] = useState<BatonError | null>(null);
  // the session's progress is streamed to the page while it is open on a training stack; a
  // session started from another browser (or before a reload) shows here too
  useEffect(() => (training ? watchSession() : undefined), [training]);
  if (!session) return null;
  const ended = session.phase === 'ended';
  const stop = () =>
    trainingCall('StopSession', {})
      .then(sessionChanged)
      .catch((e) => setError(asBatonError(e)));
  return (
    <aside className="training-panel" data-open={!collapsed} aria-labelledby="training-panel-h">
      <div className="training-panel-head">
        <h2 id="training-panel-h">Training: {session.title}</h2>
        <button type="button" className="icon-button" aria-expanded={!collapsed} aria-controls="training-panel-body" onClick={() => setCollapsed(!collapsed)}>
          {collapsed ? 'Show' : 'Hide'}
          <span className="sr-only"> the training panel</span>
        </button>
      </div>
      <div id="training-panel-body" hidden={collapsed} className="training-panel-body">
        <p className="muted">
          {session.trainee} · {session.phase === 'judging' ? 'judging the actions…' : ended ? `ended: ${session.outcome}` : 'in progress'}
        </p>
        {!ended ? <CurrentStep session={session} /> : null}
        {!ended && session.question ? <AnswerForm session={session} onError={setError} /> : null}
        {error ? <ErrorDetailView detail={error.detail} title="The training host refused" /> : null}
        {streamError && !ended ? (
          <p role="status" className="warn-text">
            Reconnecting to the console: the panel may be behind ({streamError.message}).
          </p>
        ) : null}
        <ol aria-label="Steps" className="training-step-list">
          {session.steps.map((s, i) => (
            <li key={i} data-status={s.status} aria-current={i === session.current && !ended ? 'step' : undefined}>
              {s.title} <span className="muted">({s.status})</span>
            </li>
          ))}
        </ol>
        <h3 className="sr-only">What happened</h3>
        <div role="log" aria-label="What happened" aria-live="polite" className="training-log">
          <ul>
            {session.messages.map((m, i) => (
              <li key={i} data-kind={m.kind}>
                {m.kind === 'hint' ? 'hint: ' : ''}
                {m.text}
              </li>
            ))}
          </ul>
        </div>
        {ended ? (
          <>
            {session.report ? <ReportView report={session.report} /> : null}
            {session.debrief ? (
              <section aria-label="Debrief" className="training-debrief">
                <h3>Debrief</h3>
                <Markdown text={session.debrief} />
              </section>
            ) : null}
            <button type="button" onClick={dismissSession}>
              Close the panel
            </button>
          </>
        ) : (
          <button type="button" className="danger-outline" onClick={() => void stop()}>
            Stop the walkthrough
          </button>
        )}
      </div>
    </aside>
  );
}
