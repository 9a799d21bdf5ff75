// A walkthrough's report: who, when, the outcome, and per step the time taken, the hints shown,
// the faults injected and the wrong actions (the trainer's page and the panel's end).
import type { TrainingReport } from '../../../../core/gateway/training/contract.js';
import { formatDateTime, formatDuration } from '../../ui/format.js';

export function ReportView({ report, headingLevel = 3 }: { report: TrainingReport; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const wrong = report.steps.flatMap((s, i) => s.wrongActions.map((w) => ({ step: i + 1, what: w.what })));
  const hints = report.steps.reduce((n, s) => n + s.hints.length, 0);
  return (
    <section className="training-report" aria-label={`Report: ${report.title}, ${report.trainee}`}>
      <Heading>Report: {report.title}</Heading>
      <p>
        <span className={`training-outcome training-outcome-${report.outcome}`}>{report.outcome}</span> · {report.trainee}
        {report.scripted ? ' (scripted)' : ''} · {formatDateTime(report.startedMs)} · {formatDuration(report.durationMs)} · {hints} hint
        {hints === 1 ? '' : 's'} used · {wrong.length} wrong action{wrong.length === 1 ? '' : 's'}
      </p>
      {report.reason ? <p className="muted">{report.reason}</p> : null}
      <table className="grid training-steps">
        <caption className="sr-only">Time, hints, wrong actions and faults per step</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Time</th>
            <th scope="col">Hints</th>
            <th scope="col">Wrong actions</th>
            <th scope="col">Faults</th>
          </tr>
        </thead>
        <tbody>
          {report.steps.map((s, i) => (
            <tr key={i}>
              <th scope="row">
                {i + 1}. {s.title}
                {s.completed ? '' : ' (not done)'}
              </th>
              <td>{formatDuration(s.durationMs)}</td>
              <td>{s.hints.length}</td>
              <td>{s.wrongActions.length}</td>
              <td>{s.faults.join('; ') || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {wrong.length ? (
        <ul aria-label="Wrong actions" className="training-wrong">
          {wrong.map((w, i) => (
            <li key={i}>
              step {w.step}: {w.what}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
