// The health cell of a node's row: the label (never color alone) and what it means right now.
import type { Node } from '../../../../core/rpc/gen/control.js';
import { useConsole } from '../../store/context.js';
import { nodeHealth, suspectGraceMs } from './nodeHealth.js';

export function NodeHealthCell({ node, nowMs }: { node: Node; nowMs: number }) {
  const graceMs = useConsole((s) => (node.suspect ? suspectGraceMs(s.events, node.name, node.suspectSinceMs) : undefined));
  const h = nodeHealth(node, nowMs, graceMs);
  return (
    <>
      <span className={`state ${h.stateClass}`}>{h.label}</span>
      {h.detail ? <div className="small node-health-detail">{h.detail}</div> : null}
    </>
  );
}
