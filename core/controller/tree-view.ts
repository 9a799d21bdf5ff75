// The role tree as a client asks for it: whole, or with the top-most containers (below the root) of
// more than `leafLimit` task leaves sent collapsed (no children; its leaf count and leaf states), so the console's graph
// of a 150,000-task environment gets a few hundred roles instead of 24 MB of them. Channel edges
// whose end is a member of a collapsed container are moved onto the container, merged per (from,
// channel, to) with their rates summed; edges inside one container are left out.
import type { ChannelEdge, ChannelGraph, Role } from '../rpc/gen/control.js';
import type { EnvRuntime } from './model/env.js';

/** task leaves under each node of the tree (pre-order: children come after their parent) */
function leafCounts(env: EnvRuntime): Uint32Array {
  const tree = env.tree;
  const leaves = new Uint32Array(tree.size);
  for (let i = tree.size - 1; i >= 0; i--) {
    if (tree.isTask(i)) leaves[i] = 1;
    const parent = tree.parent(i);
    if (parent >= 0) leaves[parent]! += leaves[i]!;
  }
  return leaves;
}

export interface TreeView {
  root: Role | undefined;
  /** leaf path -> the path of the collapsed container it is in */
  collapsedInto: Map<string, string>;
}

export function treeView(env: EnvRuntime, leafLimit: number): TreeView {
  const tree = env.tree;
  const collapsedInto = new Map<string, string>();
  if (!tree.size) return { root: undefined, collapsedInto };
  const leaves = leafLimit > 0 ? leafCounts(env) : null;
  const toProto = (idx: number): Role => {
    const path = tree.path(idx);
    const taskName = tree.taskName(idx);
    const task = taskName ? env.byRole.get(taskName) : undefined;
    const role: Role = {
      path,
      name: tree.name(idx),
      kind: tree.kind(idx),
      state: tree.state(idx),
      critical: tree.critical(idx),
      included: tree.included(idx),
      taskId: task?.id ?? '',
      children: [],
      nmin: tree.nmin(idx),
      leaves: 0,
      leafStates: {},
    };
    // the root stays open (it is the environment): the top-most big containers below it collapse
    if (leaves && idx > 0 && !tree.isTask(idx) && leaves[idx]! > leafLimit) {
      role.leaves = leaves[idx]!;
      const end = tree.subtreeEnd(idx);
      for (let i = idx + 1; i < end; i++) {
        if (!tree.isTask(i)) continue;
        const state = tree.state(i);
        role.leafStates[state] = (role.leafStates[state] ?? 0) + 1;
        const leafPath = tree.path(i);
        const leafTask = tree.taskName(i);
        collapsedInto.set(leafPath, path);
        if (leafTask && leafTask !== leafPath) collapsedInto.set(leafTask, path);
      }
      return role;
    }
    role.children = tree.children(idx).map(toProto);
    return role;
  };
  return { root: toProto(0), collapsedInto };
}

/** the channel graph with the ends inside collapsed containers moved onto them, merged */
export function collapseEdges(graph: ChannelGraph, collapsedInto: ReadonlyMap<string, string>): ChannelGraph {
  if (!collapsedInto.size) return graph;
  const merged = new Map<string, ChannelEdge>();
  for (const e of graph.edges) {
    const fromRole = e.from ? (collapsedInto.get(e.from.role) ?? e.from.role) : '';
    const toRole = e.to ? (collapsedInto.get(e.to.role) ?? e.to.role) : '';
    const moved = fromRole !== e.from?.role || toRole !== e.to?.role;
    if (!moved) {
      merged.set(`edge:${merged.size}`, e);
      continue;
    }
    if (fromRole === toRole) continue;
    const key = `${fromRole}\u0000${e.from?.channel ?? ''}\u0000${toRole}\u0000${e.to?.channel ?? ''}`;
    const m = merged.get(key);
    if (m) {
      m.msgRate += e.msgRate;
      m.byteRate += e.byteRate;
    } else {
      merged.set(key, {
        ...e,
        from: e.from ? { ...e.from, role: fromRole, address: fromRole === e.from.role ? e.from.address : '' } : undefined,
        to: e.to ? { ...e.to, role: toRole, address: toRole === e.to.role ? e.to.address : '' } : undefined,
      });
    }
  }
  return { edges: [...merged.values()] };
}

/** the tasks under a role path, by their leaf's place in the tree; undefined: no such role */
export function leafRangeOf(env: EnvRuntime, rolePath: string): { start: number; end: number } | undefined {
  const idx = env.tree.indexOfPath(rolePath);
  if (idx < 0) return undefined;
  return { start: idx, end: env.tree.subtreeEnd(idx) };
}
