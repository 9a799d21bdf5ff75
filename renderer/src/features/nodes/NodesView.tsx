// Nodes (agents): labels, health, tasks, and cpu/memory over time (sampled every few seconds
// while the console is open).
import { useEffect, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useConsole } from '../../store/context.js';
import { formatAge, formatBytes, formatCpu } from '../../ui/format.js';
import { useSync } from '../shell/services.js';
import { useNow } from '../shell/useNow.js';
import type { NodeSample } from '../../store/types.js';
import { AwaitingReapList } from './AwaitingReapList.js';
import { NodeHealthCell } from './NodeHealthCell.js';
import { formatLoopLag, LOOP_LAG_WARN_MS } from './nodeHealth.js';

const COLORS = ['#2563eb', '#c2410c', '#15803d', '#7c3aed', '#be123c', '#0e7490', '#a16207', '#4d7c0f'];

function clock(t: number) {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/** One row per sample time, one column per node: what recharts plots. */
export function chartRows(history: Map<string, NodeSample[]>, names: string[], pick: (s: NodeSample) => number): Record<string, number>[] {
  const byT = new Map<number, Record<string, number>>();
  for (const name of names) {
    for (const s of history.get(name) ?? []) {
      const t = Math.round(s.t / 1000) * 1000;
      let row = byT.get(t);
      if (!row) byT.set(t, (row = { t }));
      row[name] = pick(s);
    }
  }
  return [...byT.values()].sort((a, b) => a.t! - b.t!);
}

function Chart({ title, rows, names, unit }: { title: string; rows: Record<string, number>[]; names: string[]; unit: string }) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {rows.length < 2 ? (
        <p className="muted small">Collecting samples…</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis dataKey="t" tickFormatter={clock} stroke="var(--muted)" minTickGap={40} />
            <YAxis stroke="var(--muted)" unit={unit} width={64} />
            <Tooltip labelFormatter={(t) => clock(Number(t))} contentStyle={{ background: 'var(--surface)', color: 'var(--text)' }} />
            <Legend />
            {names.map((n, i) => (
              <Line key={n} type="monotone" dataKey={n} dot={false} isAnimationActive={false} stroke={COLORS[i % COLORS.length]} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/** a SUSPECT node's countdown is worth a tick a second */
function anySuspect(nodes: Map<string, { suspect: boolean }>): boolean {
  for (const n of nodes.values()) if (n.suspect) return true;
  return false;
}

export function NodesView() {
  const sync = useSync();
  const nodes = useConsole((s) => s.nodes);
  const history = useConsole((s) => s.nodeHistory);
  const reaps = useConsole((s) => s.awaitingReap);
  const now = useNow(anySuspect(nodes) ? 1000 : 5000);
  useEffect(() => {
    void sync.nodes();
  }, [sync]);
  const list = useMemo(() => [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })), [nodes]);
  // charts for the real agents (up to 8); simulated farms would be unreadable as lines
  const charted = useMemo(
    () =>
      list
        .filter((n) => !n.sim)
        .slice(0, 8)
        .map((n) => n.name),
    [list],
  );
  const cpuRows = useMemo(() => chartRows(history, charted, (s) => Math.round(s.cpu * 10) / 10), [history, charted]);
  const memRows = useMemo(() => chartRows(history, charted, (s) => Math.round(s.memUsed / 1048576)), [history, charted]);
  return (
    <section className="page" aria-labelledby="nodes-h">
      <header className="page-head">
        <h1 id="nodes-h">Nodes</h1>
        <span className="muted">
          {list.filter((n) => n.up).length} of {list.length} up
          {list.some((n) => n.suspect) ? `, ${list.filter((n) => n.suspect).length} suspect` : ''}
        </span>
      </header>
      <table className="grid">
        <caption className="sr-only">Nodes</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Health</th>
            <th scope="col">Host</th>
            <th scope="col">Labels</th>
            <th scope="col" className="num">
              Tasks
            </th>
            <th scope="col" className="num">
              CPU
            </th>
            <th scope="col" className="num">
              Memory
            </th>
            <th scope="col" className="num">
              Loop lag
            </th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {list.map((n) => (
            <tr key={n.name}>
              <th scope="row">
                {n.name}
                {n.sim ? <span className="badge">sim</span> : null}
                <div className="muted mono small">{n.address}</div>
              </th>
              <td>
                <NodeHealthCell node={n} nowMs={now} />
                <AwaitingReapList items={reaps.get(n.name) ?? []} label={`Awaiting reap on ${n.name}`} />
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
              <td>{n.lastSeenMs ? `${formatAge(n.lastSeenMs, now)} ago` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {charted.length ? (
        <div className="charts">
          <Chart title="CPU per node (% of all cores)" rows={cpuRows} names={charted} unit="%" />
          <Chart title="Memory used per node (MiB)" rows={memRows} names={charted} unit="" />
        </div>
      ) : null}
    </section>
  );
}
