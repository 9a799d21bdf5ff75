// The environment's role tree with aggregated states, maintained incrementally: a task state
// change walks up its ancestors only while their aggregated state changes (O(depth)), so 150k
// task updates never rescan the tree. The semantics are those of aggregateState (core/model).
import type { RoleNode } from '../../workflow/types.js';
import type { RoleState } from '../../model/states.js';

export interface TreeNode {
  path: string;
  name: string;
  kind: string;
  critical: boolean;
  /** false: excluded (this role or an ancestor is disabled), skipped by transitions */
  included: boolean;
  nmin: number;
  parent: number; // -1 for the root
  children: number[];
  taskName: string; // kind == task: TaskSpec.name
  /** counts in its parent's aggregation: included, not a call, and has tasks below it */
  counted: boolean;
  state: RoleState;
  // aggregation over counted children
  nCounted: number;
  nCriticalError: number;
  nError: number; // children in ERROR (critical or not): for nmin
  /** null for task leaves: 150k leaves need no map */
  byState: Map<RoleState, number> | null;
}

export class RoleTree {
  readonly nodes: TreeNode[] = [];
  /** TaskSpec.name -> leaf index */
  readonly leafOf = new Map<string, number>();
  /** call role path -> index (hooks ask whether their role is included) */
  readonly callOf = new Map<string, number>();

  /** `root` null: an empty tree, for RoleTree.inSlices to build */
  constructor(root: RoleNode | null) {
    if (root) for (const _ of this.build(root, Number.POSITIVE_INFINITY));
  }

  /**
   * The same tree, built with `pause()` awaited after every `slice` nodes: a million task leaves
   * are a second or more of the controller's thread (a create yields between slices).
   */
  static async inSlices(root: RoleNode, slice: number, pause: () => Promise<void>): Promise<RoleTree> {
    const tree = new RoleTree(null);
    for (const _ of tree.build(root, slice)) await pause();
    return tree;
  }

  /** Builds the tree, yielding after every `slice` nodes of each pass. */
  private *build(root: RoleNode, slice: number): Generator<void> {
    // pre-order (a parent before its children, children in order), iteratively: one frame per
    // role with children on the stack, none for a leaf
    const frames: { role: RoleNode; idx: number; next: number }[] = [];
    const visit = (r: RoleNode, parent: number): void => {
      const idx = this.add(r, parent, parent < 0 || this.nodes[parent]!.included);
      if (parent >= 0) this.nodes[parent]!.children.push(idx);
      if (r.children?.length) frames.push({ role: r, idx, next: 0 });
    };
    visit(root, -1);
    let sinceYield = 0;
    while (frames.length) {
      const f = frames[frames.length - 1]!;
      if (f.next >= f.role.children!.length) {
        frames.pop();
        continue;
      }
      visit(f.role.children![f.next++]!, f.idx);
      if (++sinceYield >= slice) {
        sinceYield = 0;
        yield;
      }
    }
    // pre-order indices: children come after their parent, so a reverse pass is bottom-up. A node
    // counts in its parent's aggregation when it is included, not a call, and has tasks below it.
    const hasTaskBelow = new Uint8Array(this.nodes.length);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      const hasTask = hasTaskBelow[i] === 1 || (n.kind === 'task' && n.taskName !== '');
      if (hasTask && n.parent >= 0) hasTaskBelow[n.parent] = 1;
      n.counted = n.included && n.kind !== 'call' && hasTask;
      n.state = n.kind === 'task' ? 'STANDBY' : this.compute(n);
      if (n.parent >= 0 && n.counted) this.addChild(this.nodes[n.parent]!, n.state, n.critical);
      if (++sinceYield >= slice) {
        sinceYield = 0;
        yield;
      }
    }
  }

  /** The leaf's state changed: update ancestors while their aggregated state changes. */
  setLeaf(idx: number, state: RoleState): void {
    let n = this.nodes[idx]!;
    let old = n.state;
    if (old === state) return;
    n.state = state;
    while (n.parent >= 0 && n.counted) {
      const p = this.nodes[n.parent]!;
      this.removeChild(p, old, n.critical);
      this.addChild(p, n.state, n.critical);
      const next = this.compute(p);
      if (next === p.state) return;
      old = p.state;
      p.state = next;
      n = p;
    }
  }

  /**
   * Excludes (or includes back) a node and its subtree at run time: its aggregation is rebuilt
   * and its ancestors updated, so that the aggregated states ignore what is excluded.
   */
  setIncluded(idx: number, included: boolean): void {
    const n = this.nodes[idx]!;
    const end = this.subtreeEnd(idx);
    const wasCounted = n.counted;
    const oldState = n.state;
    for (let i = idx; i < end; i++) this.nodes[i]!.included = included;
    this.markCounted(idx);
    // bottom-up over the subtree (pre-order: children after their parent)
    for (let i = end - 1; i >= idx; i--) {
      const x = this.nodes[i]!;
      if (x.kind !== 'task') {
        x.nCounted = 0;
        x.nCriticalError = 0;
        x.nError = 0;
        x.byState = new Map();
        for (const c of x.children) {
          const child = this.nodes[c]!;
          if (child.counted) this.addChild(x, child.state, child.critical);
        }
        x.state = this.compute(x);
      }
    }
    if (n.parent < 0) return;
    let p = this.nodes[n.parent]!;
    if (wasCounted) this.removeChild(p, oldState, n.critical);
    if (n.counted) this.addChild(p, n.state, n.critical);
    // up the ancestors while their aggregated state changes
    let child = p;
    let next = this.compute(child);
    while (next !== child.state) {
      const before = child.state;
      child.state = next;
      if (child.parent < 0 || !child.counted) return;
      p = this.nodes[child.parent]!;
      this.removeChild(p, before, child.critical);
      this.addChild(p, child.state, child.critical);
      child = p;
      next = this.compute(child);
    }
  }

  /** index one past the last node of the subtree at idx (pre-order numbering) */
  subtreeEnd(idx: number): number {
    let end = idx + 1;
    for (const c of this.nodes[idx]!.children) end = Math.max(end, this.subtreeEnd(c));
    return end;
  }

  /** true when a loss at this leaf leaves some iterator ancestor with fewer healthy children than its nmin */
  belowNmin(idx: number): boolean {
    let i = this.nodes[idx]?.parent ?? -1;
    while (i >= 0) {
      const p = this.nodes[i]!;
      if (p.nmin > 0 && p.nCounted - p.nError < p.nmin) return true;
      i = p.parent;
    }
    return false;
  }

  /** one node, without its children (build visits them) */
  private add(r: RoleNode, parent: number, parentIncluded: boolean): number {
    const idx = this.nodes.length;
    const included = parentIncluded && r.enabled !== false;
    const n: TreeNode = {
      path: r.path,
      name: r.name,
      kind: r.kind,
      critical: !!r.critical,
      included,
      nmin: r.nmin ?? 0,
      parent,
      children: [],
      taskName: r.task ?? '',
      counted: false,
      state: 'UNKNOWN',
      nCounted: 0,
      nCriticalError: 0,
      nError: 0,
      byState: r.kind === 'task' ? null : new Map(),
    };
    this.nodes.push(n);
    if (r.kind === 'task' && r.task) this.leafOf.set(r.task, idx);
    if (r.kind === 'call') this.callOf.set(r.path, idx);
    return idx;
  }

  /** returns whether the subtree holds a task */
  private markCounted(idx: number): boolean {
    const n = this.nodes[idx]!;
    let hasTask = n.kind === 'task' && n.taskName !== '';
    for (const c of n.children) if (this.markCounted(c)) hasTask = true;
    n.counted = n.included && n.kind !== 'call' && hasTask;
    return hasTask;
  }

  private compute(n: TreeNode): RoleState {
    if (n.kind === 'task') return n.state;
    if (n.nCounted === 0) return 'UNKNOWN';
    if (n.nCriticalError > 0) return 'ERROR';
    if (n.byState!.size === 1) return n.byState!.keys().next().value as RoleState;
    return 'MIXED';
  }

  private addChild(p: TreeNode, s: RoleState, critical: boolean): void {
    p.nCounted++;
    p.byState ??= new Map();
    p.byState.set(s, (p.byState.get(s) ?? 0) + 1);
    if (s === 'ERROR') {
      p.nError++;
      if (critical) p.nCriticalError++;
    }
  }

  private removeChild(p: TreeNode, s: RoleState, critical: boolean): void {
    p.nCounted--;
    const m = p.byState!;
    const k = (m.get(s) ?? 0) - 1;
    if (k <= 0) m.delete(s);
    else m.set(s, k);
    if (s === 'ERROR') {
      p.nError--;
      if (critical) p.nCriticalError--;
    }
  }
}
