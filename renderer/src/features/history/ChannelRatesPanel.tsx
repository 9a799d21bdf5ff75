// An environment's channel rates over time (messages and bytes per second per edge).
import { formatByteRate, formatRate } from '../../ui/format.js';
import { linesOf } from './chartData.js';
import { HistoryChart } from './HistoryChart.js';
import { HistoryPanel } from './HistoryPanel.js';

const edge = (s: { labels: Record<string, string> }) => `${s.labels.from} → ${s.labels.to}`;

export default function ChannelRatesPanel({ envId }: { envId: string }) {
  return (
    <HistoryPanel title="Channel rates" selector={{ kind: 'channels', envId }}>
      {(r) => (
        <>
          <HistoryChart
            title="Messages per second per channel"
            lines={linesOf(r.series, 'msg_rate', edge)}
            format={(v) => formatRate(v)}
            sinceMs={r.sinceMs}
            untilMs={r.untilMs}
          />
          <HistoryChart
            title="Bytes per second per channel"
            lines={linesOf(r.series, 'byte_rate', edge)}
            format={formatByteRate}
            sinceMs={r.sinceMs}
            untilMs={r.untilMs}
          />
        </>
      )}
    </HistoryPanel>
  );
}
