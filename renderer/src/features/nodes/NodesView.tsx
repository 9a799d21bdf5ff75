// Nodes (agents): labels, health, schedule (cordoned, draining, drained), tasks, and cpu/memory
// over time (sampled every few seconds while the console is open); search, filter, sort, and the
// inventory's actions for the roles that may take them.
import { useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useConsole } from '../../store/context.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { useSync } from '../shell/services.js';
import { useNow } from '../shell/useNow.js';
import type { NodeSample } from '../../store/types.js';
import { AddNodeForm } from './AddNodeForm.js';
import { NodesTable } from './NodesTable.js';
import { NodesToolbar } from './NodesToolbar.js';
import { mayAddOrRemove, mayMaintain, NO_QUERY, queryNodes, sortBy, type NodeQuery } from './nodeTable.js';
import { useMyRole } from './useMyRole.js';
import { useNodeActions } from './useNodeActions.js';

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
  const role = useMyRole();
  const [query, setQuery] = useState<NodeQuery>(NO_QUERY);
  const { outcome, act, add } = useNodeActions();
  const list = useMemo(() => queryNodes(nodes.values(), query), [nodes, query]);
  const all = useMemo(() => [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })), [nodes]);
  // charts for the real agents (up to 8); simulated farms would be unreadable as lines
  const charted = useMemo(
    () =>
      all
        .filter((n) => !n.sim)
        .slice(0, 8)
        .map((n) => n.name),
    [all],
  );
  const cpuRows = useMemo(() => chartRows(history, charted, (s) => Math.round(s.cpu * 10) / 10), [history, charted]);
  const memRows = useMemo(() => chartRows(history, charted, (s) => Math.round(s.memUsed / 1048576)), [history, charted]);
  return (
    <section className="page page-wide" aria-labelledby="nodes-h">
      <header className="page-head">
        <h1 id="nodes-h">Nodes</h1>
        <span className="muted">
          {all.filter((n) => n.up).length} of {all.length} up
          {all.some((n) => n.suspect) ? `, ${all.filter((n) => n.suspect).length} suspect` : ''}
          {all.some((n) => n.schedule === 'draining') ? `, ${all.filter((n) => n.schedule === 'draining').length} draining` : ''}
        </span>
      </header>
      <NodesToolbar query={query} onChange={setQuery} shown={list.length} total={nodes.size} />
      <AddNodeForm allowed={mayAddOrRemove(role)} onAdd={add} />
      {outcome ? (
        outcome.error ? (
          <ErrorDetailView detail={outcome.error} title={outcome.text} />
        ) : (
          <p role="status" className="node-outcome">
            {outcome.text}
          </p>
        )
      ) : null}
      <NodesTable
        nodes={list}
        query={query}
        onSort={(k) => setQuery((q) => sortBy(q, k))}
        nowMs={now}
        reaps={reaps}
        mayMaintain={mayMaintain(role)}
        mayRemove={mayAddOrRemove(role)}
        onAction={act}
      />
      {charted.length ? (
        <div className="charts">
          <Chart title="CPU per node (% of all cores)" rows={cpuRows} names={charted} unit="%" />
          <Chart title="Memory used per node (MiB)" rows={memRows} names={charted} unit="" />
        </div>
      ) : null}
    </section>
  );
}
