// What an operator may do to one node: cordon, drain, uncordon (expert) and remove (admin). Each
// asks first, saying what it does and does not do (nothing is moved); a role that may not act
// sees the buttons disabled, with the reason.
import { useState } from 'react';
import type { Node } from '../../../../core/rpc/gen/control.js';
import { ConfirmDialog } from '../../ui/Dialog.js';

export type NodeAction = 'cordon' | 'drain' | 'uncordon' | 'remove';

const LABEL: Record<NodeAction, string> = { cordon: 'Cordon', drain: 'Drain', uncordon: 'Uncordon', remove: 'Remove' };

function consequence(action: NodeAction, n: Node): string {
  const using = n.usedBy.length ? `${n.usedBy.length} environment(s) use it now (${n.usedBy.join(', ')})` : 'no environment uses it now';
  switch (action) {
    case 'cordon':
      return `New environments and moved tasks will not be placed on ${n.name}. What runs there keeps running; ${using}.`;
    case 'drain':
      return `${n.name} is cordoned and shows the environments still using it until they are destroyed or moved by their owners; nothing is moved by the drain. ${using[0]!.toUpperCase()}${using.slice(1)}.`;
    case 'uncordon':
      return `${n.name} takes new placements again.`;
    case 'remove':
      return `${n.name} leaves the inventory and the controller stops dialling it. ${n.tasks ? `Its ${n.tasks} task(s) are lost (RECOVER places them elsewhere).` : 'It runs no task.'}`;
  }
}

/** the actions that change something for this node's current state */
function actionsFor(n: Node): NodeAction[] {
  const schedule = n.schedule || 'ready';
  if (schedule === 'ready') return ['cordon', 'drain', 'remove'];
  if (schedule === 'cordoned') return ['drain', 'uncordon', 'remove'];
  return ['uncordon', 'remove'];
}

export function NodeActions({
  node,
  mayMaintain,
  mayRemove,
  onConfirm,
}: {
  node: Node;
  mayMaintain: boolean;
  mayRemove: boolean;
  onConfirm(action: NodeAction, node: Node): void;
}) {
  const [asking, setAsking] = useState<NodeAction | null>(null);
  return (
    <div className="node-actions">
      {actionsFor(node).map((action) => {
        const allowed = action === 'remove' ? mayRemove : mayMaintain;
        return (
          <button
            key={action}
            type="button"
            className={action === 'remove' || action === 'drain' ? 'danger-outline' : undefined}
            aria-label={`${LABEL[action]} ${node.name}`}
            title={allowed ? undefined : `${action === 'remove' ? 'an admin' : 'an expert'} may ${action} a node`}
            disabled={!allowed}
            onClick={() => setAsking(action)}
          >
            {LABEL[action]}
          </button>
        );
      })}
      {asking ? (
        <ConfirmDialog
          title={`${LABEL[asking]} ${node.name}?`}
          danger={asking === 'remove' || asking === 'drain'}
          confirmLabel={LABEL[asking]}
          body={<p>{consequence(asking, node)}</p>}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            const action = asking;
            setAsking(null);
            onConfirm(action, node);
          }}
        />
      ) : null}
    </div>
  );
}
