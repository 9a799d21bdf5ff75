// A structured failure, shown with its fields: what, which task on which node, exit code, signal,
// the last lines it printed, and every cause (e.g. each late or failed task of a transition).
import type { ErrorDetailLike } from '../../../core/model/errors.js';

function Fields({ d }: { d: ErrorDetailLike }) {
  const rows: [string, string][] = [];
  if (d.transition) rows.push(['Transition', d.transition]);
  if (d.taskName) rows.push(['Task', d.taskName]);
  if (d.taskId) rows.push(['Task id', d.taskId]);
  if (d.node) rows.push(['Node', d.node]);
  if (d.exitCode !== undefined) rows.push(['Exit code', String(d.exitCode)]);
  if (d.signal) rows.push(['Signal', d.signal]);
  if (d.where) rows.push(['Where', d.where]);
  for (const [k, v] of Object.entries(d.data ?? {})) rows.push([k, v]);
  if (!rows.length) return null;
  return (
    <dl className="fields">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ErrorDetailView({ detail, title }: { detail: ErrorDetailLike; title?: string }) {
  return (
    <section className="error-detail" role="alert" aria-label={title ?? 'Error'}>
      <h3>
        <span className="code">{detail.code}</span> {detail.message}
      </h3>
      <Fields d={detail} />
      {detail.lastLines?.length ? (
        <details open>
          <summary>Last lines printed</summary>
          <pre className="last-lines" tabIndex={0} aria-label="Last lines printed">
            {detail.lastLines.join('\n')}
          </pre>
        </details>
      ) : null}
      {detail.causes?.length ? (
        <div className="causes">
          <h4>Causes ({detail.causes.length})</h4>
          <ul>
            {detail.causes.slice(0, 50).map((c, i) => (
              <li key={i}>
                <span className="code">{c.code}</span> {c.taskName ? <strong>{c.taskName}</strong> : null} {c.message}
                <Fields d={c} />
              </li>
            ))}
          </ul>
          {detail.causes.length > 50 ? <p>and {detail.causes.length - 50} more</p> : null}
        </div>
      ) : null}
    </section>
  );
}
