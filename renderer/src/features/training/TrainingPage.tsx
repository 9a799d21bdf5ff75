// The Training page: choose a walkthrough and start it (only on a training stack: elsewhere the
// page says why nothing can start), and the trainer's list of saved reports, each opening its
// per-step table (?report=<name> keeps the choice in the URL).
import { useEffect, useState, type FormEvent } from 'react';
import type { SavedReportSummary, TrainingReport, WalkthroughList } from '../../../../core/gateway/training/contract.js';
import type { BatonError } from '../../../../core/model/errors.js';
import { asBatonError } from '../../api/errors.js';
import { navigate, useRoute, withQuery } from '../../app/router.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { formatDateTime, formatDuration } from '../../ui/format.js';
import { trainingCall } from './api.js';
import { ReportView } from './ReportView.js';
import { isRunning, sessionChanged, useTrainingSession } from './sessionStore.js';
import './training.css';

function StartForm({ list, onError }: { list: WalkthroughList; onError(e: BatonError | null): void }) {
  const { session } = useTrainingSession();
  const [trainee, setTrainee] = useState('');
  const [choice, setChoice] = useState('');
  const running = isRunning(session);
  const disabled = !list.available || running;
  const start = (e: FormEvent) => {
    e.preventDefault();
    trainingCall('StartSession', { walkthrough: choice, trainee })
      .then((s) => {
        onError(null);
        sessionChanged(s);
      })
      .catch((err) => onError(asBatonError(err)));
  };
  return (
    <form onSubmit={start} aria-labelledby="training-start-h" className="training-start">
      <h2 id="training-start-h">Start a walkthrough</h2>
      {!list.available ? (
        <p role="alert" className="banner warn">
          No walkthrough can start here: {list.reason}
        </p>
      ) : null}
      {running ? <p role="status">A walkthrough is running: follow it in the training panel.</p> : null}
      <fieldset disabled={disabled}>
        <legend>Walkthrough</legend>
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Choose</th>
              <th scope="col">Title</th>
              <th scope="col">Audience</th>
              <th scope="col">Steps</th>
              <th scope="col">What it trains</th>
            </tr>
          </thead>
          <tbody>
            {list.walkthroughs.map((w) => (
              <tr key={w.id}>
                <td>
                  <input
                    type="radio"
                    name="walkthrough"
                    id={`wt-${w.id}`}
                    value={w.id}
                    checked={choice === w.id}
                    onChange={() => setChoice(w.id)}
                    aria-label={w.title}
                  />
                </td>
                <td>
                  <label htmlFor={`wt-${w.id}`}>{w.title}</label> <span className="muted mono">{w.id}</span>
                </td>
                <td>{w.audience}</td>
                <td>{w.steps}</td>
                <td>{w.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <label htmlFor="training-trainee">Trainee</label>{' '}
        <input id="training-trainee" value={trainee} onChange={(e) => setTrainee(e.target.value)} autoComplete="name" required />{' '}
        <button type="submit" className="primary" disabled={disabled || !choice || !trainee.trim()}>
          Start the walkthrough
        </button>
      </fieldset>
    </form>
  );
}

function Reports({ selected }: { selected: string | null }) {
  const { session } = useTrainingSession();
  const [reports, setReports] = useState<SavedReportSummary[] | null>(null);
  const [report, setReport] = useState<TrainingReport | null>(null);
  const [error, setError] = useState<BatonError | null>(null);
  // a session that ends saves a report: list again
  const endedName = session?.reportName ?? '';
  useEffect(() => {
    trainingCall('ListReports', {})
      .then((r) => setReports(r.reports))
      .catch((e) => setError(asBatonError(e)));
  }, [endedName]);
  useEffect(() => {
    setReport(null);
    if (!selected) return;
    trainingCall('ReadReport', { name: selected })
      .then((r) => setReport(r.report))
      .catch((e) => setError(asBatonError(e)));
  }, [selected]);
  return (
    <section aria-labelledby="training-reports-h" className="training-reports">
      <h2 id="training-reports-h">Saved reports</h2>
      {error ? <ErrorDetailView detail={error.detail} title="The reports could not be read" /> : null}
      {reports && !reports.length ? <p className="empty">No training reports yet.</p> : null}
      {reports?.length ? (
        <table className="grid" aria-label="Saved reports">
          <thead>
            <tr>
              <th scope="col">Trainee</th>
              <th scope="col">When</th>
              <th scope="col">Walkthrough</th>
              <th scope="col">Outcome</th>
              <th scope="col">Time</th>
              <th scope="col">Hints</th>
              <th scope="col">Wrong actions</th>
              <th scope="col">Report</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.name} aria-selected={r.name === selected}>
                <td>
                  {r.trainee}
                  {r.scripted ? ' (scripted)' : ''}
                </td>
                <td>{formatDateTime(r.startedMs)}</td>
                <td>{r.title}</td>
                <td>
                  <span className={`training-outcome training-outcome-${r.outcome}`}>{r.outcome}</span>
                </td>
                <td>{formatDuration(r.durationMs)}</td>
                <td>{r.hints}</td>
                <td>{r.wrongActions}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => navigate(withQuery('report', r.name), { replace: true })}
                    aria-label={`Open the report of ${r.trainee}, ${r.title}`}
                  >
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report ? <ReportView report={report} /> : null}
    </section>
  );
}

export function TrainingPage() {
  const route = useRoute();
  const [list, setList] = useState<WalkthroughList | null>(null);
  const [error, setError] = useState<BatonError | null>(null);
  useEffect(() => {
    trainingCall('ListWalkthroughs', {})
      .then(setList)
      .catch((e) => setError(asBatonError(e)));
  }, []);
  return (
    <section className="page training-page" aria-labelledby="training-h">
      <header className="page-head">
        <h1 id="training-h">Training</h1>
      </header>
      {error ? <ErrorDetailView detail={error.detail} title="The training host refused" /> : null}
      {list ? <StartForm list={list} onError={setError} /> : <p role="status">Loading…</p>}
      <Reports selected={route.query.get('report')} />
    </section>
  );
}
