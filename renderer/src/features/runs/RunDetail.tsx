// One run's record: type, environment, detectors, who started and stopped it, why it ended, its
// summary (channel totals and rates, restarts), its configuration snapshot (the rendered workflow folded), comments with a form to add one, and a
// link to the events of its environment during the run.
import { useState } from 'react';
import type { Run } from '../../../../core/rpc/gen/control.js';
import { envPath } from '../../app/router.js';
import { Link } from '../../ui/Link.js';
import { formatDateTime, formatDuration } from '../../ui/format.js';
import { runEventsPath, runStateClass } from './runLinks.js';
import { RunSummaryView } from './RunSummaryView.js';

function Field({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function prettyJson(text: string): string {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export interface RunDetailProps {
  run: Run;
  now: number;
  /** adds a comment; rejects with the error to show */
  onComment(text: string): Promise<void>;
  /** an environment still known to the console gets a link */
  envKnown?: boolean;
  /** fetches the rendered workflow (GetRun leaves it out unless asked: it can be tens of MB) */
  onLoadRendered?(): void;
}

export function RunDetail({ run, now, onComment, envKnown, onLoadRendered }: RunDetailProps) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      setError('Write something first.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await onComment(text.trim());
      setText('');
    } catch (err) {
      setError((err as Error).message || 'The comment was not saved.');
    } finally {
      setBusy(false);
    }
  };
  const c = run.config;
  const envLabel = run.envName || run.workflow;
  return (
    <div className="run-detail">
      <dl className="fields">
        <Field k="State">
          <span className={runStateClass(run.state)}>{run.state}</span>
        </Field>
        <Field k="Run type">{run.runType || '–'}</Field>
        <Field k="Environment">
          {envKnown ? <Link href={envPath(run.envId)}>{envLabel}</Link> : envLabel} <span className="muted mono small">{run.envId}</span>
        </Field>
        <Field k="Detectors">{run.detectors.length ? run.detectors.join(', ') : '–'}</Field>
        <Field k="Started">
          {formatDateTime(run.startedMs)}
          {run.startedBy ? ` by ${run.startedBy}` : ''}
        </Field>
        <Field k="Stopped">{run.stoppedMs ? `${formatDateTime(run.stoppedMs)}${run.stoppedBy ? ` by ${run.stoppedBy}` : ''}` : 'open'}</Field>
        <Field k="Duration">{formatDuration((run.stoppedMs || now) - run.startedMs)}</Field>
        <Field k="End reason">{run.endReason || (run.stoppedMs ? '–' : 'open')}</Field>
        <Field k="Tasks">{run.tasks}</Field>
      </dl>
      <p>
        <Link href={runEventsPath(run)}>Events of this run</Link>
      </p>
      <section aria-labelledby="run-summary-h">
        <h3 id="run-summary-h">Summary</h3>
        <RunSummaryView summary={run.summary} />
      </section>
      <section aria-labelledby="run-config-h">
        <h3 id="run-config-h">Configuration</h3>
        {c ? (
          <>
            <dl className="fields">
              <Field k="Workflow">
                {c.workflow}
                {c.file && c.file !== c.workflow ? <span className="muted mono small"> {c.file}</span> : null}
              </Field>
              <Field k="Repo">
                <span className="mono">{c.repo || '–'}</span>
                {c.revision ? <span className="mono"> @ {c.revision}</span> : null}
              </Field>
              <Field k="Vars">
                {Object.keys(c.vars).length
                  ? Object.entries(c.vars)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(' ')
                  : 'defaults'}
              </Field>
              <Field k="Excluded roles">{c.excludedRoles.length ? c.excludedRoles.join(', ') : 'none'}</Field>
            </dl>
            <details>
              <summary>Vars in force</summary>
              <pre className="mono small">{prettyJson(c.varsInForceJson)}</pre>
            </details>
            <details
              onToggle={(e) => {
                if ((e.currentTarget as HTMLDetailsElement).open && !c.renderedJson) onLoadRendered?.();
              }}
            >
              <summary>
                Rendered workflow: {c.tasks} task(s), {c.hooks} hook(s), {c.channels} channel(s)
              </summary>
              {c.renderedJson ? <pre className="mono small">{prettyJson(c.renderedJson)}</pre> : <p role="status">Loading…</p>}
            </details>
          </>
        ) : (
          <p className="muted">No configuration snapshot was kept for this run.</p>
        )}
      </section>
      <section aria-labelledby="run-comments-h">
        <h3 id="run-comments-h">Comments</h3>
        {run.comments.length ? (
          <ul className="run-comments">
            {run.comments.map((x, i) => (
              <li key={`${x.timeMs}-${i}`}>
                <time className="muted small">{formatDateTime(x.timeMs)}</time> <strong>{x.user}</strong>: {x.text}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No comments yet.</p>
        )}
        <form onSubmit={submit} aria-label={`Comment on run ${run.runNumber}`}>
          <div className="field">
            <label htmlFor="run-comment">Add a comment</label>
            <textarea id="run-comment" rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Comment'}
          </button>
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
        </form>
      </section>
    </div>
  );
}
