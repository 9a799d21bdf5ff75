// The dataflow graph of an environment (@xyflow/react). The model and layout are plain modules;
// layout runs in a worker and only when the structure changes; states and rates update in place.
// Clicking a task opens its drawer; clicking a group expands it, or, when its members are too many
// to draw, opens it as a collection (CollectionPanel: paged members, state counts, summed rates).
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { Background, Controls, MiniMap, ReactFlow, type Edge } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useConsole } from '../../store/context.js';
import { formatByteRate, formatRate } from '../../ui/format.js';
import { layoutModel } from './elkClient.js';
import { CollectionPanel } from './CollectionPanel.js';
import { NODE_TYPES, type FlowNode } from './GraphNodes.js';
import { GROUP_SIZE, TASK_SIZE, type Positions } from './layout.js';
import { minimapColor } from './minimap.js';
import { buildGraphModel, DEFAULT_GRAPH_OPTIONS } from './model.js';

export default function GraphView({ envId, onOpenTask }: { envId: string; onOpenTask(taskId: string): void }) {
  const detail = useConsole((s) => s.details.get(envId));
  const tasks = useConsole((s) => s.tasks);
  const dark = useConsole((s) => s.theme === 'dark');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [note, setNote] = useState('');
  const [opened, setOpened] = useState<{ path: string; label: string } | null>(null);
  const model = useMemo(() => buildGraphModel(detail?.root, detail?.graph, tasks, { ...DEFAULT_GRAPH_OPTIONS, expanded }), [detail, tasks, expanded]);
  const [layout, setLayout] = useState<{ key: string; positions: Positions } | null>(null);
  const key = model.structureKey;
  useEffect(() => {
    let live = true;
    void layoutModel(model).then((positions) => {
      if (live) setLayout({ key, positions });
    });
    return () => {
      live = false;
    };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const byId = useMemo(() => new Map(model.nodes.map((n) => [n.id, n])), [model]);
  const nodes: FlowNode[] = useMemo(() => {
    if (!layout) return [];
    return model.nodes.map((n) => ({
      id: n.id,
      type: n.kind === 'group' ? 'batonGroup' : 'batonTask',
      position: layout.positions.get(n.id) ?? { x: 0, y: 0 },
      // the size the layout gave it: the nodes prop is controlled without onNodesChange, so
      // xyflow's measurements never reach these objects, and the minimap draws only nodes with a size
      initialWidth: (n.kind === 'group' ? GROUP_SIZE : TASK_SIZE).width,
      initialHeight: (n.kind === 'group' ? GROUP_SIZE : TASK_SIZE).height,
      data: { ...n },
      // a button named by what it shows (task, state): clicking opens the task or expands the group
      draggable: false,
      connectable: false,
      selectable: false,
      ariaRole: 'button',
    }));
  }, [model, layout]);
  const edges: Edge[] = useMemo(
    () =>
      model.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        animated: e.msgRate > 0,
        focusable: false,
        label: `${formatRate(e.msgRate)} · ${formatByteRate(e.byteRate)}`,
        ariaLabel: `${e.channel} from ${byId.get(e.source)?.label} to ${byId.get(e.target)?.label}: ${formatRate(e.msgRate)}`,
        className: e.msgRate > 0 ? 'flowing' : 'idle',
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 3,
      })),
    [model, byId],
  );

  const activate = (id: string) => {
    const n = byId.get(id);
    if (!n) return;
    if (n.kind === 'task' && n.taskId) onOpenTask(n.taskId);
    else if (n.kind === 'group') {
      const next = new Set([...expanded, n.path]);
      const after = buildGraphModel(detail?.root, detail?.graph, tasks, { ...DEFAULT_GRAPH_OPTIONS, expanded: next });
      if (after.collapsed.includes(n.path)) {
        setNote(`${n.label} has ${n.count} tasks: too many to draw one by one (at most ${DEFAULT_GRAPH_OPTIONS.maxNodes}), opened below as a list.`);
        setOpened({ path: n.path, label: n.label });
      } else {
        setNote('');
        setOpened(null);
        setExpanded(next);
      }
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const id = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node')?.dataset.id;
    if (id) {
      e.preventDefault();
      activate(id);
    }
  };

  if (!detail) return <p role="status">Loading the graph…</p>;
  if (!model.nodes.length) return <p className="muted">This environment has no tasks to draw.</p>;
  const groups = model.nodes.filter((n) => n.kind === 'group').length;
  return (
    <div className="graph-wrap">
      <div className="graph-toolbar">
        <p className="small">
          {model.totalTasks} tasks shown as {model.nodes.length} nodes{groups ? ` (${groups} collapsed groups: click one to expand)` : ''}; {model.edges.length}{' '}
          channels.
        </p>
        {expanded.size ? (
          <button
            type="button"
            onClick={() => {
              setExpanded(new Set());
              setNote('');
            }}
          >
            Collapse groups
          </button>
        ) : null}
        {!layout || layout.key !== key ? (
          <span role="status" className="small">
            Laying out…
          </span>
        ) : null}
      </div>
      {note ? (
        <p role="status" className="hint">
          {note}
        </p>
      ) : null}
      <div className="graph" aria-label="Dataflow graph" role="region">
        {!layout ? null : (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodeClick={(_e, n) => activate(n.id)}
            onKeyDown={onKeyDown}
            fitView
            fitViewOptions={{ padding: 0.12, maxZoom: 1 }}
            minZoom={0.05}
            maxZoom={2}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            colorMode={dark ? 'dark' : 'light'}
            onlyRenderVisibleElements={nodes.length > 150}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel="Overview of the graph" nodeColor={(n) => minimapColor(String(n.data.state))} nodeStrokeWidth={0} />
          </ReactFlow>
        )}
      </div>
      {opened ? (
        <CollectionPanel
          key={opened.path}
          envId={envId}
          path={opened.path}
          label={opened.label}
          onOpenTask={onOpenTask}
          onClose={() => {
            setOpened(null);
            setNote('');
          }}
        />
      ) : null}
    </div>
  );
}
