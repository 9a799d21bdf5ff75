// A structured failure, shown with its fields: what, which task on which node, exit code, signal,
// the last lines it printed, and every cause (e.g. each late or failed task of a transition).
import { useLayoutEffect, useRef } from 'react';
import type { ErrorDetailLike } from '../../../core/model/errors.js';

/** how the task ended, put under its last lines: the crash is the last thing read */
function endOf(d: ErrorDetailLike): string {
  if (d.signal) return `killed by ${d.signal}`;
  if (d.exitCode !== undefined) return `exited with code ${d.exitCode}`;
  return '';
}

/**
 * The last lines a task printed, oldest first and the crash at the bottom, scrolled so that the
 * bottom is what shows: the line that explains a crash is usually the last one.
 */
function LastLines({ lines, end }: { lines: string[]; end: string }) {
  const box = useRef<HTMLOListElement>(null);
  useLayoutEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, end]);
  return (
    <details open>
      <summary>Last lines printed</summary>
      <ol ref={box} className="last-lines" tabIndex={0} aria-label="Last lines printed">
        {lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
        {end ? <li className="last-lines-end">— {end} —</li> : null}
      </ol>
    </details>
  );
}

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
      {detail.lastLines?.length ? <LastLines lines={detail.lastLines} end={endOf(detail)} /> : null}
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
