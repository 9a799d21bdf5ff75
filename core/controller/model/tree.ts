// The environment's role tree with aggregated states, maintained incrementally: a task state
// change walks up its ancestors only while their aggregated state changes (O(depth)), so 150k
// task updates never rescan the tree. The semantics are those of aggregateState (core/model).
//
// Stored as a struct of arrays indexed by node (pre-order: a parent before its children, a
// subtree contiguous): a task leaf costs a few bytes in typed arrays and no object of its own.
// A million leaves as objects (16 fields and a children array each) were a million objects for
// the collector to trace and, per task update, a leaf and its ancestors at scattered places of
// a large heap; here an update reads and writes its leaf's record (two integers) and its
// parent's counts (one short row of a flat array, shared by all its leaves). The
// strings (path, name, task name) stay where they are, in the expansion's RoleNode objects,
// which the environment keeps anyway; the tree holds a reference per node.
import type { RoleKind, RoleNode } from '../../workflow/types.js';
import type { RoleState } from '../../model/states.js';
import { BatonError } from '../../model/errors.js';

/** every state a role can be in, by code (a leaf's state is a task's; an inner node's also MIXED/UNKNOWN) */
const ROLE_STATES: readonly RoleState[] = ['STANDBY', 'CONFIGURED', 'RUNNING', 'ERROR', 'DONE', 'DEPLOYED', 'MIXED', 'UNKNOWN'];
const CODE_OF: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(ROLE_STATES.map((s, i) => [s, i])));
const ERROR = CODE_OF.ERROR!;
const MIXED = CODE_OF.MIXED!;
const UNKNOWN = CODE_OF.UNKNOWN!;
const STANDBY = CODE_OF.STANDBY!;

/** per inner node, in one flat Int32Array: counted children, critical ones in ERROR, then one count per state */
const N_COUNTED = 0;
const N_CRITICAL_ERROR = 1;
const BY_STATE = 2;
const INNER_STRIDE = BY_STATE + ROLE_STATES.length;

/** integers per node in `records` */
const RECORD = 2;

// flag bits per node
const CRITICAL = 1;
/** false: excluded (this role or an ancestor is disabled), skipped by transitions */
const INCLUDED = 2;
/** counts in its parent's aggregation: included, not a call, and has tasks below it */
const COUNTED = 4;

function codeOf(state: RoleState): number {
  const code = CODE_OF[state];
  // a bug of the caller (states come from the task-state table), not a request's mistake
  if (code === undefined) throw new BatonError('INTERNAL', `role tree: unknown state ${state}`, { where: 'role tree' });
  return code;
}

/** A node as a plain object, read from the arrays: for views and tests, not for hot paths. */
export interface TreeNode {
  path: string;
  name: string;
  kind: RoleKind;
  critical: boolean;
  included: boolean;
  nmin: number;
  parent: number; // -1 for the root
  children: number[];
  taskName: string; // kind == task: TaskSpec.name
  counted: boolean;
  state: RoleState;
}

export class RoleTree {
  /** call role path -> index (hooks ask whether their role is included) */
  readonly callOf = new Map<string, number>();

  /** number of nodes */
  size = 0;
  private innerCount = 0;
  /** the expansion's role node at each index: path, name, kind, task name */
  private roles: RoleNode[] = [];
  /**
   * Per node, two integers side by side: its parent (-1 for the root), then its state code (bits
   * 0-7) with its flags (bits 8-15). A task's update reads and writes its leaf's one record
   * (the tasks of one agent's batch are spread over the whole tree: one cache miss, not three).
   */
  private records = new Int32Array(16 * RECORD);
  /** one past the last node of the subtree (pre-order): children are i+1, end[i+1], ... below end[i] */
  private endOf = new Int32Array(16);
  /** index into the inner-node arrays, -1 for a task leaf */
  private innerOf = new Int32Array(16);
  private nminOf = new Int32Array(4);
  private innerCounts = new Int32Array(4 * INNER_STRIDE);
  /** the task leaves (kind task, with a task name) in pre-order: the expansion lists its tasks in this order */
  private taskLeaves: number[] | Int32Array = [];
  /** TaskSpec.name -> leaf index, built only when a task is not where the order says (see leafOf) */
  private leafByName: Map<string, number> | null = null;

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

  // --- reading a node -----------------------------------------------------------------------

  path(idx: number): string {
    return this.roles[idx]!.path;
  }
  name(idx: number): string {
    return this.roles[idx]!.name;
  }
  kind(idx: number): RoleKind {
    return this.roles[idx]!.kind;
  }
  /** kind == task: TaskSpec.name; '' otherwise */
  taskName(idx: number): string {
    return this.roles[idx]!.task ?? '';
  }
  isTask(idx: number): boolean {
    return this.innerOf[idx]! < 0;
  }
  parent(idx: number): number {
    return this.parentAt(idx);
  }
  state(idx: number): RoleState {
    return ROLE_STATES[this.stateAt(idx)]!;
  }
  critical(idx: number): boolean {
    return (this.flagsAt(idx) & CRITICAL) !== 0;
  }
  included(idx: number): boolean {
    return (this.flagsAt(idx) & INCLUDED) !== 0;
  }
  counted(idx: number): boolean {
    return (this.flagsAt(idx) & COUNTED) !== 0;
  }
  nmin(idx: number): number {
    const inner = this.innerOf[idx]!;
    return inner < 0 ? 0 : this.nminOf[inner]!;
  }
  /** index one past the last node of the subtree at idx (pre-order numbering) */
  subtreeEnd(idx: number): number {
    return this.endOf[idx]!;
  }
  /** the children's indices, in order */
  children(idx: number): number[] {
    const out: number[] = [];
    const end = this.endOf[idx]!;
    for (let c = idx + 1; c < end; c = this.endOf[c]!) out.push(c);
    return out;
  }
  /**
   * The leaf of the task named `taskName`, -1 when none. `position` is the task's place in the
   * expansion's task list: the expansion emits its tasks in the tree's pre-order, so the
   * position's task leaf is the one, checked by name; a map by name is built (once) only when
   * it is not. A million-entry map kept for the environment's life to be asked once per task at
   * create was the tree's largest part after its leaves.
   */
  leafOf(taskName: string, position = -1): number {
    const leaves = this.taskLeaves;
    if (position >= 0 && position < leaves.length && this.taskName(leaves[position]!) === taskName) return leaves[position]!;
    if (!this.leafByName) {
      this.leafByName = new Map();
      for (let i = 0; i < leaves.length; i++) this.leafByName.set(this.taskName(leaves[i]!), leaves[i]!);
    }
    return this.leafByName.get(taskName) ?? -1;
  }
  /** the node with this path, -1 when none (a scan: for requests, not per task) */
  indexOfPath(path: string): number {
    for (let i = 0; i < this.size; i++) if (this.roles[i]!.path === path) return i;
    return -1;
  }
  node(idx: number): TreeNode {
    if (idx < 0 || idx >= this.size) throw new RangeError(`role tree: no node ${idx} (size ${this.size})`);
    return {
      path: this.path(idx),
      name: this.name(idx),
      kind: this.kind(idx),
      critical: this.critical(idx),
      included: this.included(idx),
      nmin: this.nmin(idx),
      parent: this.parent(idx),
      children: this.children(idx),
      taskName: this.taskName(idx),
      counted: this.counted(idx),
      state: this.state(idx),
    };
  }

  // --- changes ------------------------------------------------------------------------------

  /** The leaf's state changed: update ancestors while their aggregated state changes. */
  setLeaf(idx: number, state: RoleState): void {
    let code = codeOf(state);
    let old = this.stateAt(idx);
    if (old === code) return;
    this.setStateAt(idx, code);
    let n = idx;
    while (this.parentAt(n) >= 0 && (this.flagsAt(n) & COUNTED) !== 0) {
      const p = this.parentAt(n);
      const inner = this.innerOf[p]!;
      const critical = (this.flagsAt(n) & CRITICAL) !== 0;
      this.removeChild(inner, old, critical);
      this.addChild(inner, code, critical);
      const next = this.compute(inner);
      if (next === this.stateAt(p)) return;
      old = this.stateAt(p);
      code = next;
      this.setStateAt(p, next);
      n = p;
    }
  }

  /**
   * Excludes (or includes back) a node and its subtree at run time: its aggregation is rebuilt
   * and its ancestors updated, so that the aggregated states ignore what is excluded.
   */
  setIncluded(idx: number, included: boolean): void {
    const end = this.endOf[idx]!;
    const wasCounted = this.counted(idx);
    const oldState = this.stateAt(idx);
    for (let i = idx; i < end; i++) this.setFlagsAt(i, included ? this.flagsAt(i) | INCLUDED : this.flagsAt(i) & ~INCLUDED);
    this.markCounted(idx);
    // bottom-up over the subtree (pre-order: children after their parent)
    for (let i = end - 1; i >= idx; i--) {
      const inner = this.innerOf[i]!;
      if (inner < 0) continue;
      this.innerCounts.fill(0, inner * INNER_STRIDE, (inner + 1) * INNER_STRIDE);
      for (let c = i + 1; c < this.endOf[i]!; c = this.endOf[c]!) {
        if (this.counted(c)) this.addChild(inner, this.stateAt(c), this.critical(c));
      }
      this.setStateAt(i, this.compute(inner));
    }
    const parent = this.parentAt(idx);
    if (parent < 0) return;
    let inner = this.innerOf[parent]!;
    if (wasCounted) this.removeChild(inner, oldState, this.critical(idx));
    if (this.counted(idx)) this.addChild(inner, this.stateAt(idx), this.critical(idx));
    // up the ancestors while their aggregated state changes
    let child = parent;
    let next = this.compute(inner);
    while (next !== this.stateAt(child)) {
      const before = this.stateAt(child);
      this.setStateAt(child, next);
      const up = this.parentAt(child);
      if (up < 0 || !this.counted(child)) return;
      inner = this.innerOf[up]!;
      this.removeChild(inner, before, this.critical(child));
      this.addChild(inner, next, this.critical(child));
      child = up;
      next = this.compute(inner);
    }
  }

  /** true when a loss at this leaf leaves some iterator ancestor with fewer healthy children than its nmin */
  belowNmin(idx: number): boolean {
    let i = idx >= 0 && idx < this.size ? this.parentAt(idx) : -1;
    while (i >= 0) {
      const inner = this.innerOf[i]!;
      const nmin = this.nminOf[inner]!;
      const base = inner * INNER_STRIDE;
      if (nmin > 0 && this.innerCounts[base + N_COUNTED]! - this.innerCounts[base + BY_STATE + ERROR]! < nmin) return true;
      i = this.parentAt(i);
    }
    return false;
  }

  // --- building -----------------------------------------------------------------------------

  /** Builds the tree, yielding after every `slice` nodes of each pass. */
  private *build(root: RoleNode, slice: number): Generator<void> {
    // pre-order (a parent before its children, children in order), iteratively: one frame per
    // role with children on the stack, none for a leaf
    const frames: { role: RoleNode; idx: number; next: number }[] = [];
    const visit = (r: RoleNode, parent: number): void => {
      const idx = this.add(r, parent);
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
    this.trim();
    // pre-order indices: children come after their parent, so a reverse pass is bottom-up (each
    // subtree's end is final when its node is reached). A node counts in its parent's aggregation
    // when it is included, not a call, and has tasks below it.
    const hasTaskBelow = new Uint8Array(this.size);
    for (let i = this.size - 1; i >= 0; i--) {
      const parent = this.parentAt(i);
      const inner = this.innerOf[i]!;
      const hasTask = hasTaskBelow[i] === 1 || (inner < 0 && this.taskName(i) !== '');
      if (parent >= 0) {
        if (hasTask) hasTaskBelow[parent] = 1;
        if (this.endOf[i]! > this.endOf[parent]!) this.endOf[parent] = this.endOf[i]!;
      }
      this.setCounted(i, this.included(i) && this.kind(i) !== 'call' && hasTask);
      this.setStateAt(i, inner < 0 ? STANDBY : this.compute(inner));
      if (parent >= 0 && this.counted(i)) this.addChild(this.innerOf[parent]!, this.stateAt(i), this.critical(i));
      if (++sinceYield >= slice) {
        sinceYield = 0;
        yield;
      }
    }
  }

  /** one node, without its children (build visits them) */
  private add(r: RoleNode, parent: number): number {
    const idx = this.size++;
    if (idx * RECORD === this.records.length) this.growNodes();
    const included = (parent < 0 || this.included(parent)) && r.enabled !== false;
    this.roles.push(r);
    this.records[idx * RECORD] = parent;
    this.endOf[idx] = idx + 1;
    this.setStateAt(idx, UNKNOWN);
    this.setFlagsAt(idx, (r.critical ? CRITICAL : 0) | (included ? INCLUDED : 0));
    if (r.kind === 'task') {
      this.innerOf[idx] = -1;
      if (r.task) (this.taskLeaves as number[]).push(idx);
    } else {
      const inner = this.innerCount++;
      if (inner === this.nminOf.length) this.growInner();
      this.innerOf[idx] = inner;
      this.nminOf[inner] = r.nmin ?? 0;
      if (r.kind === 'call') this.callOf.set(r.path, idx);
    }
    return idx;
  }

  private growNodes(): void {
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.records = grow(this.records, (n) => new Int32Array(n));
    this.endOf = grow(this.endOf, (n) => new Int32Array(n));
    this.innerOf = grow(this.innerOf, (n) => new Int32Array(n));
  }

  private growInner(): void {
    const nmin = new Int32Array(this.nminOf.length * 2);
    nmin.set(this.nminOf);
    this.nminOf = nmin;
    const counts = new Int32Array(nmin.length * INNER_STRIDE);
    counts.set(this.innerCounts);
    this.innerCounts = counts;
  }

  /** the arrays cut to their size once built (doubling leaves up to half of them unused) */
  private trim(): void {
    this.records = this.records.slice(0, this.size * RECORD);
    this.endOf = this.endOf.slice(0, this.size);
    this.innerOf = this.innerOf.slice(0, this.size);
    this.nminOf = this.nminOf.slice(0, this.innerCount);
    this.innerCounts = this.innerCounts.slice(0, this.innerCount * INNER_STRIDE);
    this.taskLeaves = Int32Array.from(this.taskLeaves);
  }

  // --- a node's record ---

  private parentAt(idx: number): number {
    return this.records[idx * RECORD]!;
  }
  private stateAt(idx: number): number {
    return this.records[idx * RECORD + 1]! & 0xff;
  }
  private flagsAt(idx: number): number {
    return this.records[idx * RECORD + 1]! >> 8;
  }
  private setStateAt(idx: number, code: number): void {
    const k = idx * RECORD + 1;
    this.records[k] = (this.records[k]! & ~0xff) | code;
  }
  private setFlagsAt(idx: number, flags: number): void {
    const k = idx * RECORD + 1;
    this.records[k] = (this.records[k]! & 0xff) | (flags << 8);
  }

  // --- aggregation --------------------------------------------------------------------------

  private setCounted(idx: number, counted: boolean): void {
    this.setFlagsAt(idx, counted ? this.flagsAt(idx) | COUNTED : this.flagsAt(idx) & ~COUNTED);
  }

  /** returns whether the subtree holds a task */
  private markCounted(idx: number): boolean {
    let hasTask = this.isTask(idx) && this.taskName(idx) !== '';
    for (let c = idx + 1; c < this.endOf[idx]!; c = this.endOf[c]!) if (this.markCounted(c)) hasTask = true;
    this.setCounted(idx, this.included(idx) && this.kind(idx) !== 'call' && hasTask);
    return hasTask;
  }

  /** an inner node's state from its counts: UNKNOWN with no counted child, ERROR with a critical one in ERROR, the one state all share, or MIXED */
  private compute(inner: number): number {
    const base = inner * INNER_STRIDE;
    const counted = this.innerCounts[base + N_COUNTED]!;
    if (counted === 0) return UNKNOWN;
    if (this.innerCounts[base + N_CRITICAL_ERROR]! > 0) return ERROR;
    for (let s = 0; s < ROLE_STATES.length; s++) if (this.innerCounts[base + BY_STATE + s] === counted) return s;
    return MIXED;
  }

  private addChild(inner: number, code: number, critical: boolean): void {
    const base = inner * INNER_STRIDE;
    this.innerCounts[base + N_COUNTED]!++;
    this.innerCounts[base + BY_STATE + code]!++;
    if (code === ERROR && critical) this.innerCounts[base + N_CRITICAL_ERROR]!++;
  }

  private removeChild(inner: number, code: number, critical: boolean): void {
    const base = inner * INNER_STRIDE;
    this.innerCounts[base + N_COUNTED]!--;
    this.innerCounts[base + BY_STATE + code]!--;
    if (code === ERROR && critical) this.innerCounts[base + N_CRITICAL_ERROR]!--;
  }
}
