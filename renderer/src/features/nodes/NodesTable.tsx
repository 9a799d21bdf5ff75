// The nodes as a table: sortable columns (a button in each sortable header, aria-sort on it), the
// schedule state with the environments a drain waits for, links to a node's tasks (the task table
// of each environment using it, filtered by the node), and each node's actions.
import type { Node } from '../../../../core/rpc/gen/control.js';
import { envPath } from '../../app/router.js';
import { formatAge, formatBytes, formatCpu } from '../../ui/format.js';
import { Link } from '../../ui/Link.js';
import type { AwaitingReap } from '../../../../core/rpc/gen/control.js';
import { AwaitingReapList } from './AwaitingReapList.js';
import { NodeActions, type NodeAction } from './NodeActions.js';
import { NodeHealthCell } from './NodeHealthCell.js';
import { formatLoopLag, LOOP_LAG_WARN_MS } from './nodeHealth.js';
import type { NodeQuery, NodeSortKey } from './nodeTable.js';

function tasksOf(node: string, envId: string): string {
  return `${envPath(envId, 'tasks')}?node=${encodeURIComponent(node)}`;
}

function SortHeader({
  label,
  sortKey,
  query,
  onSort,
  numeric,
}: {
  label: string;
  sortKey: NodeSortKey;
  query: NodeQuery;
  onSort(k: NodeSortKey): void;
  numeric?: boolean;
}) {
  const sorted = query.sort === sortKey;
  return (
    <th scope="col" className={numeric ? 'num' : undefined} aria-sort={sorted ? (query.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort-button" onClick={() => onSort(sortKey)}>
        {label}
        <span aria-hidden="true">{sorted ? (query.descending ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
}

/** the theme's state colors (both themes pass contrast checks): the label says the state, never color alone */
const SCHEDULE_CLASS: Record<string, string> = { ready: 'state-standby', cordoned: 'state-mixed', draining: 'state-lost', drained: 'state-done' };

function ScheduleCell({ n }: { n: Node }) {
  const schedule = n.schedule || 'ready';
  return (
    <>
      <span className={`state ${SCHEDULE_CLASS[schedule] ?? 'state-standby'}`}>{schedule}</span>
      {schedule === 'draining' ? (
        <div className="small">
          still used by{' '}
          <ul className="used-by" aria-label={`Environments using ${n.name}`}>
            {n.usedBy.map((id) => (
              <li key={id}>
                <Link href={tasksOf(n.name, id)}>{id}</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

export function NodesTable({
  nodes,
  query,
  onSort,
  nowMs,
  reaps,
  mayMaintain,
  mayRemove,
  onAction,
}: {
  nodes: Node[];
  query: NodeQuery;
  onSort(k: NodeSortKey): void;
  nowMs: number;
  reaps: Map<string, AwaitingReap[]>;
  mayMaintain: boolean;
  mayRemove: boolean;
  onAction(action: NodeAction, node: Node): void;
}) {
  const head = { query, onSort };
  return (
    <table className="grid nodes-table">
      <caption className="sr-only">Nodes</caption>
      <thead>
        <tr>
          <SortHeader label="Node" sortKey="name" {...head} />
          <SortHeader label="Health" sortKey="health" {...head} />
          <SortHeader label="Schedule" sortKey="schedule" {...head} />
          <th scope="col">Host</th>
          <th scope="col">Labels</th>
          <SortHeader label="Tasks" sortKey="tasks" numeric {...head} />
          <SortHeader label="CPU" sortKey="cpu" numeric {...head} />
          <SortHeader label="Memory" sortKey="memory" numeric {...head} />
          <th scope="col" className="num">
            Loop lag
          </th>
          <th scope="col">Last seen</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.name}>
            <th scope="row" aria-label={n.name}>
              {/* a node's tasks: the task table of the (first) environment using it, filtered by the node */}
              {n.usedBy.length ? <Link href={tasksOf(n.name, n.usedBy[0]!)}>{n.name}</Link> : n.name}
              {n.sim ? <span className="badge">sim</span> : null}
              <div className="muted mono small">{n.address}</div>
            </th>
            <td>
              <NodeHealthCell node={n} nowMs={nowMs} />
              <AwaitingReapList items={reaps.get(n.name) ?? []} label={`Awaiting reap on ${n.name}`} />
            </td>
            <td>
              <ScheduleCell n={n} />
            </td>
            <td>
              {n.host || '–'}
              {n.pid ? <span className="muted small"> pid {n.pid}</span> : null}
            </td>
            <td>
              {Object.entries(n.labels).map(([k, v]) => (
                <span key={k} className="label-chip">
                  {k}={v}
                </span>
              ))}
            </td>
            <td className="num">{n.tasks}</td>
            <td className="num">{formatCpu(n.cpu)}</td>
            <td className="num">
              {formatBytes(n.memUsed)}
              {n.memTotal ? ` / ${formatBytes(n.memTotal)}` : ''}
            </td>
            <td className={`num ${n.loopLagMs >= LOOP_LAG_WARN_MS ? 'warn-text' : ''}`} title="the agent's event-loop delay (p99 over its last heartbeat)">
              {formatLoopLag(n.loopLagMs)}
            </td>
            <td>{n.lastSeenMs ? `${formatAge(n.lastSeenMs, nowMs)} ago` : '–'}</td>
            <td>
              <NodeActions node={n} mayMaintain={mayMaintain} mayRemove={mayRemove} onConfirm={onAction} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
