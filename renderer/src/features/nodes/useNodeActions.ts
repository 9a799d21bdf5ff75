// Runs the Nodes page's actions against the controller and keeps how the last one ended: a drain
// says which environments still use the node; a refusal is the controller's structured error.
import { useCallback, useState } from 'react';
import type { ErrorDetailLike } from '../../../../core/model/errors.js';
import type { Node } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { useSync } from '../shell/services.js';
import type { NodeAction } from './NodeActions.js';

export interface NodeActionOutcome {
  text: string;
  error?: ErrorDetailLike;
}

const METHOD = { cordon: 'CordonNode', drain: 'DrainNode', uncordon: 'UncordonNode' } as const;

function describe(action: NodeAction, n: Node): string {
  if (action === 'remove') return `Node ${n.name} removed.`;
  if (n.schedule === 'draining') return `Node ${n.name} draining: still used by ${n.usedBy.join(', ')}.`;
  if (n.schedule === 'drained') return `Node ${n.name} drained: no environment uses it.`;
  return `Node ${n.name} ${n.schedule || 'ready'}.`;
}

export function useNodeActions() {
  const sync = useSync();
  const [outcome, setOutcome] = useState<NodeActionOutcome | null>(null);
  const act = useCallback(
    async (action: NodeAction, node: Node) => {
      try {
        const reply = action === 'remove' ? await call('RemoveNode', { name: node.name }) : await call(METHOD[action], { name: node.name });
        setOutcome({ text: describe(action, reply) });
      } catch (e) {
        setOutcome({ text: `${action} ${node.name} failed`, error: asBatonError(e).detail });
      } finally {
        void sync.nodes();
      }
    },
    [sync],
  );
  const add = useCallback(
    async (address: string, name: string) => {
      try {
        const n = await call('AddNode', { address, name, takeOver: false });
        setOutcome({
          text: n.refused ? `Node ${n.name || address} refused: ${n.refused}` : `Node ${n.name || address} added (${n.up ? 'up' : 'not up yet'}).`,
        });
      } catch (e) {
        setOutcome({ text: `adding ${name || address} failed`, error: asBatonError(e).detail });
      } finally {
        void sync.nodes();
      }
    },
    [sync],
  );
  return { outcome, act, add };
}
