// How a graph node looks: a task (name, state) or a collapsed group (pattern, count, states).
// The node element itself is the button (role and label set by GraphView): nothing interactive
// inside it.
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { GraphNode } from './model.js';

export type FlowData = GraphNode & Record<string, unknown>;
export type FlowNode = Node<FlowData>;

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}

export function TaskNodeView({ data }: NodeProps<FlowNode>) {
  return (
    <div className={`gnode state-bg-${data.state.toLowerCase()} ${data.critical ? 'critical' : ''}`}>
      <Handles />
      <div className="gnode-title">{data.label}</div>{' '}
      <div className="gnode-sub">
        <span className={`state state-${data.state.toLowerCase()}`}>{data.state}</span>
        {data.critical ? <span className="small"> critical</span> : null}
      </div>
    </div>
  );
}

export function GroupNodeView({ data }: NodeProps<FlowNode>) {
  const parts = Object.entries(data.byState).sort((a, b) => b[1] - a[1]);
  return (
    <div className={`gnode group state-bg-${data.state.toLowerCase()}`}>
      <Handles />
      <div className="gnode-title">
        {data.label} <span className="small">×{data.count}</span>
      </div>{' '}
      <div className="gnode-bar" aria-hidden="true">
        {parts.map(([s, n]) => (
          <span key={s} className={`seg state-fill-${s.toLowerCase()}`} style={{ flexGrow: n }} />
        ))}
      </div>
      <div className="gnode-sub small">{parts.map(([s, n]) => `${n} ${s}`).join(' · ')}; click to expand</div>
    </div>
  );
}

// not 'group': that name is xyflow's own parent-node type, with its own styling
export const NODE_TYPES = { batonTask: TaskNodeView, batonGroup: GroupNodeView };
