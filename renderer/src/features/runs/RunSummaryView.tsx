// An ended run's summary (docs/observability.md, "Run summaries"): each channel edge's totals and
// average rates over the run, and the tasks that restarted during it.
import type { RunSummary } from '../../../../core/rpc/gen/control.js';
import { formatByteRate, formatBytes, formatDuration, formatRate } from '../../ui/format.js';

export function RunSummaryView({ summary }: { summary: RunSummary | undefined }) {
  if (!summary) return <p className="muted">No summary: the run is open, or it ended before summaries were kept.</p>;
  return (
    <>
      <p className="muted small">
        Over {formatDuration(summary.durationMs)}, counted from {summary.countedFrom || 'run start'}
        {summary.aggregated ? '; per collection (more tasks than the label limit)' : ''}.
      </p>
      {summary.channels.length ? (
        <table className="grid compact">
          <caption>Channels</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">
                Messages
              </th>
              <th scope="col" className="num">
                Bytes
              </th>
              <th scope="col" className="num">
                Average rate
              </th>
              <th scope="col" className="num">
                Average bytes/s
              </th>
            </tr>
          </thead>
          <tbody>
            {summary.channels.map((c) => (
              <tr key={`${c.from}>${c.to}`}>
                <td className="mono">{c.from}</td>
                <td className="mono">{c.to}</td>
                <td>{c.type}</td>
                <td className="num">{c.messages.toLocaleString('en-US')}</td>
                <td className="num">{formatBytes(c.bytes)}</td>
                <td className="num">{formatRate(c.msgRate)}</td>
                <td className="num">{formatByteRate(c.byteRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No channels.</p>
      )}
      <dl className="fields">
        <div>
          <dt>Restarts</dt>
          <dd>{summary.restartsTotal ? `${summary.restartsTotal} (${summary.restarts.map((r) => `${r.task} ${r.restarts}`).join(', ')})` : 'none'}</dd>
        </div>
      </dl>
    </>
  );
}
