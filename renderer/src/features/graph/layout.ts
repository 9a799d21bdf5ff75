// The graph's layout as ELK input and output (plain data): layered, left to right. Big graphs use
// the cheap settings (thoroughness 1, SIMPLE node placement) so that layout stays fast.
import type { GraphModel } from './model.js';

export interface ElkNodeIn {
  id: string;
  width: number;
  height: number;
}
export interface ElkEdgeIn {
  id: string;
  sources: string[];
  targets: string[];
}
export interface ElkGraphIn {
  id: string;
  layoutOptions: Record<string, string>;
  children: ElkNodeIn[];
  edges: ElkEdgeIn[];
}
export interface ElkGraphOut {
  children?: { id: string; x?: number; y?: number; width?: number; height?: number }[];
}

export type Positions = Map<string, { x: number; y: number }>;

export const TASK_SIZE = { width: 190, height: 58 };
export const GROUP_SIZE = { width: 210, height: 76 };
export const BIG_GRAPH = 80;

export function layoutOptions(nodeCount: number): Record<string, string> {
  const base: Record<string, string> = {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.spacing.nodeNode': '30',
    'elk.layered.spacing.nodeNodeBetweenLayers': '170',
    'elk.edgeRouting': 'POLYLINE',
  };
  if (nodeCount > BIG_GRAPH) {
    base['elk.layered.thoroughness'] = '1';
    base['elk.layered.nodePlacement.strategy'] = 'SIMPLE';
  }
  return base;
}

export function toElkGraph(m: GraphModel): ElkGraphIn {
  return {
    id: 'root',
    layoutOptions: layoutOptions(m.nodes.length),
    children: m.nodes.map((n) => ({ id: n.id, ...(n.kind === 'group' ? GROUP_SIZE : TASK_SIZE) })),
    edges: m.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
}

export function positionsFromElk(out: ElkGraphOut): Positions {
  const p: Positions = new Map();
  for (const c of out.children ?? []) p.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return p;
}

/** A placeholder when no layout engine is available (tests, or a failed worker): a plain grid. */
export function gridPositions(m: GraphModel): Positions {
  const cols = Math.max(1, Math.ceil(Math.sqrt(m.nodes.length)));
  const p: Positions = new Map();
  m.nodes.forEach((n, i) => p.set(n.id, { x: (i % cols) * (GROUP_SIZE.width + 40), y: Math.floor(i / cols) * (GROUP_SIZE.height + 30) }));
  return p;
}
