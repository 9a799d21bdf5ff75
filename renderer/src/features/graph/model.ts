// The dataflow graph's model, from the role tree and the channel graph: task roles are nodes,
// channels are edges; large iterators (and, above a node budget, the largest subtrees) collapse
// into group nodes whose state aggregates their tasks and whose edges sum their rates.
// Pure: no React, no layout.
import type { ChannelGraph, Role, Task } from '../../../../core/rpc/gen/control.js';
import { aggregateState, type RoleState } from '../../../../core/model/states.js';

export interface GraphNode {
  id: string;
  kind: 'task' | 'group';
  label: string;
  /** role path (a group: the container's path) */
  path: string;
  taskId?: string;
  state: string;
  critical: boolean;
  /** tasks inside (1 for a task node) */
  count: number;
  byState: Record<string, number>;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  channel: string;
  type: string;
  msgRate: number;
  byteRate: number;
  /** channel edges merged into this one */
  count: number;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** changes only when nodes or edges appear or go (not on state or rate changes): re-layout key */
  structureKey: string;
  /** groups collapsed by the rules (the user may expand them unless over the budget) */
  collapsed: string[];
  totalTasks: number;
}

export interface GraphOptions {
  /** an iterator with more task leaves than this starts collapsed */
  collapseOver: number;
  /** never more visible nodes than this (the largest subtrees collapse first) */
  maxNodes: number;
  /** container paths the user expanded */
  expanded: ReadonlySet<string>;
}

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = { collapseOver: 8, maxNodes: 300, expanded: new Set() };

interface Info {
  role: Role;
  leaves: number;
  depth: number;
}

/** a container the controller sent without its children (GetEnvironment tree_leaf_limit) */
export function isCollapsedByServer(r: Role): boolean {
  return r.kind !== 'task' && r.children.length === 0 && r.leaves > 0;
}

function groupLabel(r: Role): string {
  if (r.name && !r.name.includes('{{')) return r.kind === 'iterator' ? `${r.name}*` : r.name;
  // sent collapsed: no members to take a prefix from, the name without its template
  if (!r.children.length && r.name) return `${r.name.replace(/\{\{.*?\}\}/g, '').trim()}*`;
  const names = r.children.map((c) => c.name);
  let prefix = names[0] ?? r.path;
  for (const n of names) while (prefix && !n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return `${prefix || r.path}*`;
}

export function buildGraphModel(
  root: Role | undefined,
  graph: ChannelGraph | undefined,
  tasks: ReadonlyMap<string, Task>,
  opts: GraphOptions = DEFAULT_GRAPH_OPTIONS,
): GraphModel {
  if (!root) return { nodes: [], edges: [], structureKey: '', collapsed: [], totalTasks: 0 };
  // 1. containers and their task-leaf counts
  const containers: Info[] = [];
  // containers the controller sent collapsed (GetEnvironment tree_leaf_limit): groups whatever the
  // budget, never expanded here (opened, they are a collection paged by the controller)
  const fromServer = new Set<string>();
  const countLeaves = (r: Role, depth: number): number => {
    if (r.kind === 'task') return 1;
    if (isCollapsedByServer(r)) {
      fromServer.add(r.path);
      if (depth > 0) containers.push({ role: r, leaves: r.leaves, depth });
      return r.leaves;
    }
    let n = 0;
    for (const c of r.children) n += countLeaves(c, depth + 1);
    if (depth > 0 && n > 0) containers.push({ role: r, leaves: n, depth });
    return n;
  };
  const totalTasks = countLeaves(root, 0);
  // 2. which containers collapse: big iterators, then the biggest subtrees until under the budget
  const collapsed = new Set<string>(fromServer);
  for (const c of containers) {
    if (c.role.kind === 'iterator' && c.leaves > opts.collapseOver && !opts.expanded.has(c.role.path)) collapsed.add(c.role.path);
  }
  const isUnder = (path: string, set: Set<string>) => {
    for (const p of set) if (path !== p && path.startsWith(p + '/')) return true;
    return false;
  };
  const visibleCount = () => {
    let hidden = 0;
    for (const c of containers) if (collapsed.has(c.role.path) && !isUnder(c.role.path, collapsed)) hidden += c.leaves - 1;
    return totalTasks - hidden;
  };
  if (totalTasks > opts.maxNodes) {
    const bySize = [...containers].filter((c) => c.leaves > 1).sort((a, b) => b.leaves - a.leaves || a.depth - b.depth);
    // collapse the deepest big containers first, so the top of the tree stays readable
    const candidates = [...bySize].sort((a, b) => b.depth - a.depth || b.leaves - a.leaves);
    let n = visibleCount();
    for (const c of candidates) {
      if (n <= opts.maxNodes) break;
      if (collapsed.has(c.role.path) || isUnder(c.role.path, collapsed)) continue;
      collapsed.add(c.role.path);
      n = visibleCount();
    }
    // still too many (a flat tree): collapse from the biggest
    for (const c of bySize) {
      if (n <= opts.maxNodes) break;
      if (!collapsed.has(c.role.path)) {
        collapsed.add(c.role.path);
        n = visibleCount();
      }
    }
  }
  // 3. walk: visible nodes and where every task role maps
  const nodes: GraphNode[] = [];
  const visibleOf = new Map<string, string>();
  const addGroup = (r: Role) => {
    const id = `group:${r.path}`;
    const byState: Record<string, number> = {};
    const members: { state: RoleState; critical: boolean; included: boolean }[] = [];
    let count = 0;
    const visit = (x: Role) => {
      if (isCollapsedByServer(x)) {
        // its members are not here: their states as the controller counted them
        visibleOf.set(x.path, id);
        for (const [state, n] of Object.entries(x.leafStates)) byState[state] = (byState[state] ?? 0) + n;
        members.push({ state: (x.state || 'UNKNOWN') as RoleState, critical: x.critical, included: x.included !== false });
        count += x.leaves;
        return;
      }
      if (x.kind === 'task') {
        count += 1;
        visibleOf.set(x.path, id);
        const t = tasks.get(x.taskId);
        const state = (t?.lost ? 'ERROR' : (t?.state ?? x.state)) || 'UNKNOWN';
        byState[state] = (byState[state] ?? 0) + 1;
        members.push({ state: state as RoleState, critical: x.critical, included: x.included !== false });
        return;
      }
      x.children.forEach(visit);
    };
    visit(r);
    const agg = aggregateState(members);
    nodes.push({ id, kind: 'group', label: groupLabel(r), path: r.path, state: agg.state, critical: agg.critical, count, byState });
  };
  const walk = (r: Role) => {
    if (r.kind === 'task') {
      const t = tasks.get(r.taskId);
      const state = (t?.lost ? 'ERROR' : (t?.state ?? r.state)) || 'UNKNOWN';
      const id = `task:${r.path}`;
      visibleOf.set(r.path, id);
      nodes.push({
        id,
        kind: 'task',
        label: r.name || r.path,
        path: r.path,
        taskId: r.taskId || t?.id,
        state,
        critical: r.critical,
        count: 1,
        byState: { [state]: 1 },
      });
      return;
    }
    if (collapsed.has(r.path)) {
      addGroup(r);
      return;
    }
    r.children.forEach(walk);
  };
  walk(root);
  // 4. edges, merged per (source, target, channel)
  const merged = new Map<string, GraphEdge>();
  for (const e of graph?.edges ?? []) {
    const s = e.from ? visibleOf.get(e.from.role) : undefined;
    const t = e.to ? visibleOf.get(e.to.role) : undefined;
    if (!s || !t || s === t) continue;
    const channel = e.from?.channel ?? '';
    const id = `${s}->${t}:${channel}`;
    const m = merged.get(id);
    if (m) {
      m.msgRate += e.msgRate;
      m.byteRate += e.byteRate;
      m.count += 1;
    } else merged.set(id, { id, source: s, target: t, channel, type: e.type, msgRate: e.msgRate, byteRate: e.byteRate, count: 1 });
  }
  const edges = [...merged.values()];
  const structureKey = nodes.map((n) => n.id).join('|') + '#' + edges.map((e) => e.id).join('|');
  return { nodes, edges, structureKey, collapsed: [...collapsed], totalTasks };
}
