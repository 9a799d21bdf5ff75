// Tasks of destroyed environments that may still run on a node whose agent was away: the
// controller reaps them when the agent is back (a node.reaped event then settles the list).
import type { AwaitingReap } from '../../../../core/rpc/gen/control.js';

export function AwaitingReapList({ items, label }: { items: readonly AwaitingReap[]; label: string }) {
  if (!items.length) return null;
  return (
    <>
      <div className="small warn-text">
        {items.length} task{items.length > 1 ? 's' : ''} awaiting reap
      </div>
      <ul className="awaiting-reap small" aria-label={label}>
        {items.map((x) => (
          <li key={x.taskId}>
            <span className="mono">{x.taskName || x.taskId}</span>
            {x.pid ? <span className="muted"> pid {x.pid}</span> : null}
            {x.envId ? <span className="muted"> ({x.envId})</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
