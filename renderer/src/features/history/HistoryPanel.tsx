// A titled section of load-history charts with the range picker: reads one selector and hands the
// reply to the charts the caller makes of it. Says where the history comes from and when it
// could not be read.
import type { ReactNode } from 'react';
import type { QueryHistoryReply, QueryHistoryRequest } from '../../../../core/rpc/gen/control.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { RangePicker } from './RangePicker.js';
import { useHistoryRange } from './ranges.js';
import { useHistory } from './useHistory.js';
import './history.css';

export interface HistoryPanelProps {
  title: string;
  selector: Partial<QueryHistoryRequest>;
  children(reply: QueryHistoryReply): ReactNode;
}

export function HistoryPanel({ title, selector, children }: HistoryPanelProps) {
  const [range, setRange] = useHistoryRange();
  const { reply, error } = useHistory(selector, range);
  const headingId = `history-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section className="history" aria-labelledby={headingId} data-range={range}>
      <div className="history-head">
        <h2 id={headingId}>{title}</h2>
        <RangePicker value={range} onChange={setRange} />
        {reply ? (
          <span className="muted small" data-testid="history-source">
            {reply.source === 'prometheus' ? 'from Prometheus' : 'kept by the controller'}, one point per {Math.round(reply.stepMs / 1000)} s
          </span>
        ) : null}
      </div>
      {reply?.note ? <p className="muted small">{reply.note}</p> : null}
      {error ? <ErrorDetailView detail={error} title="The history could not be read" /> : null}
      {reply ? <div className="charts">{children(reply)}</div> : error ? null : <p role="status">Loading the history…</p>}
    </section>
  );
}
