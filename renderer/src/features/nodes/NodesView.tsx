// Nodes (agents): labels, health, schedule (cordoned, draining, drained), tasks, and cpu, memory
// and load over time (the controller's history: features/history/); search, filter, sort, and the
// inventory's actions for the roles that may take them.
import { useEffect, useMemo, useState } from 'react';
import { useConsole } from '../../store/context.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { useSync } from '../shell/services.js';
import { useNow } from '../shell/useNow.js';
import NodeLoadPanel from '../history/NodeLoadPanel.js';
import { AddNodeForm } from './AddNodeForm.js';
import { NodesTable } from './NodesTable.js';
import { NodesToolbar } from './NodesToolbar.js';
import { mayAddOrRemove, mayMaintain, NO_QUERY, queryNodes, sortBy, type NodeQuery } from './nodeTable.js';
import { useMyRole } from './useMyRole.js';
import { useNodeActions } from './useNodeActions.js';

/** a SUSPECT node's countdown is worth a tick a second */
function anySuspect(nodes: Map<string, { suspect: boolean }>): boolean {
  for (const n of nodes.values()) if (n.suspect) return true;
  return false;
}

export function NodesView() {
  const sync = useSync();
  const nodes = useConsole((s) => s.nodes);
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
      <NodeLoadPanel />
    </section>
  );
}
