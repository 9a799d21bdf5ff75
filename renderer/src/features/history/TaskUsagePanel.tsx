// A task's cpu and memory over time (the task drawer).
import { formatBytes, formatCpu } from '../../ui/format.js';
import { linesOf } from './chartData.js';
import { HistoryChart } from './HistoryChart.js';
import { HistoryPanel } from './HistoryPanel.js';

const task = (s: { labels: Record<string, string> }) => s.labels.task ?? '';

export default function TaskUsagePanel({ taskId }: { taskId: string }) {
  return (
    <HistoryPanel title="Task load" selector={{ kind: 'task', taskId }}>
      {(r) => (
        <>
          <HistoryChart title="Task CPU (% of one core)" lines={linesOf(r.series, 'cpu', task)} format={formatCpu} sinceMs={r.sinceMs} untilMs={r.untilMs} />
          <HistoryChart title="Task memory (resident)" lines={linesOf(r.series, 'memory', task)} format={formatBytes} sinceMs={r.sinceMs} untilMs={r.untilMs} />
        </>
      )}
    </HistoryPanel>
  );
}
