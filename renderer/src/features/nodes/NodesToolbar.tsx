// Search, schedule-state filter and label filter over the nodes table.
import type { NodeQuery, ScheduleFilter } from './nodeTable.js';

export function NodesToolbar({ query, onChange, shown, total }: { query: NodeQuery; onChange(q: NodeQuery): void; shown: number; total: number }) {
  return (
    <div className="toolbar nodes-toolbar">
      <input
        type="search"
        aria-label="Search nodes"
        placeholder="Search name, host, label, environment"
        value={query.search}
        onChange={(e) => onChange({ ...query, search: e.target.value })}
      />
      <label>
        Schedule{' '}
        <select value={query.schedule} onChange={(e) => onChange({ ...query, schedule: e.target.value as ScheduleFilter })}>
          <option value="">any</option>
          <option value="ready">ready</option>
          <option value="cordoned">cordoned</option>
          <option value="draining">draining</option>
          <option value="drained">drained</option>
        </select>
      </label>
      <label>
        Label <input aria-label="Label" placeholder="key=value" value={query.label} onChange={(e) => onChange({ ...query, label: e.target.value })} />
      </label>
      <span className="muted small" aria-live="polite">
        {shown === total ? `${total} node(s)` : `${shown} of ${total} node(s)`}
      </span>
    </div>
  );
}
