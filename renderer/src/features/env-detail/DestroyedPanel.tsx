// The page of an environment just destroyed while an agent was away: the tasks that may still run,
// per node. They are reaped when the node's agent is back (node.reaped), which empties the list.
import { useMemo } from 'react';
import { useConsole } from '../../store/context.js';
import { reapsOfEnv } from '../../store/reaps.js';
import { Link } from '../../ui/Link.js';
import { AwaitingReapList } from '../nodes/AwaitingReapList.js';

export function DestroyedPanel({ envId }: { envId: string }) {
  const record = useConsole((s) => s.awaitingReap);
  const perNode = useMemo(() => reapsOfEnv(record, envId), [record, envId]);
  if (!perNode.length) return null;
  return (
    <section className="banner warn" aria-label="Awaiting reap">
      <p>
        Environment {envId} was destroyed, but {perNode.length > 1 ? 'these nodes were' : 'this node was'} away: its tasks there may still run. They are stopped
        when the node's agent is back (controlled tasks also stop by themselves after their orphan grace). See <Link href="/nodes">Nodes</Link>.
      </p>
      {perNode.map(([node, items]) => (
        <div key={node}>
          <h3 className="small">On {node}</h3>
          <AwaitingReapList items={items} label={`Awaiting reap on ${node}`} />
        </div>
      ))}
    </section>
  );
}
