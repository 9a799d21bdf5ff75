// The nodes' cpu, memory and load average over time (the Nodes page), from the controller's
// history: it survives a reload, unlike the samples a page could keep itself.
import { formatBytes, formatCpu } from '../../ui/format.js';
import { linesOf } from './chartData.js';
import { HistoryChart } from './HistoryChart.js';
import { HistoryPanel } from './HistoryPanel.js';

const node = (s: { labels: Record<string, string> }) => s.labels.node ?? '';

export default function NodeLoadPanel() {
  return (
    <HistoryPanel title="Node load" selector={{ kind: 'nodes' }}>
      {(r) => (
        <>
          <HistoryChart
            title="CPU per node (% of all cores)"
            lines={linesOf(r.series, 'cpu', node)}
            format={formatCpu}
            sinceMs={r.sinceMs}
            untilMs={r.untilMs}
          />
          <HistoryChart title="Memory used per node" lines={linesOf(r.series, 'memory', node)} format={formatBytes} sinceMs={r.sinceMs} untilMs={r.untilMs} />
          <HistoryChart
            title="Load average per node (1 min)"
            lines={linesOf(r.series, 'load1', node)}
            format={(v) => (Number.isFinite(v) ? v.toFixed(2) : '–')}
            sinceMs={r.sinceMs}
            untilMs={r.untilMs}
          />
        </>
      )}
    </HistoryPanel>
  );
}
