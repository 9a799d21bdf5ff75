// Placement: each task goes to a node whose labels match its constraints and whose remaining
// cpu/memory fit what it wants; among those, the least loaded one (spread). Tasks with the same
// constraints and wants share one candidate heap, so 150k tasks on 350 nodes cost
// O(n log m), not O(n * m).
import { formatBinaryBytes, formatCores } from '../model/units.js';
import { BatonError } from '../model/errors.js';

export interface PlaceTask {
  name: string;
  constraints: Record<string, string>;
  wants: { cpu: number; memoryBytes: number };
  driver: string;
}

export interface PlaceNode {
  name: string;
  labels: Record<string, string>;
  sim: boolean;
  /** capacity, 0 = not limited */
  cpu: number;
  memoryBytes: number;
  /** already held */
  usedCpu: number;
  usedMem: number;
  /** tasks already placed on it */
  load: number;
}

interface Slot {
  node: PlaceNode;
  idx: number;
  load: number;
}

/** A binary min-heap on (load, idx): lazy, entries may be stale and are re-pushed when popped. */
class LoadHeap {
  private a: Slot[] = [];
  get size(): number {
    return this.a.length;
  }
  push(s: Slot): void {
    const a = this.a;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Slot | undefined {
    const a = this.a;
    if (!a.length) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
function less(x: Slot, y: Slot): boolean {
  return x.load < y.load || (x.load === y.load && x.idx < y.idx);
}

function labelsMatch(labels: Record<string, string>, constraints: Record<string, string>): boolean {
  for (const k in constraints) if (labels[k] !== constraints[k]) return false;
  return true;
}

/** a process task needs a real agent; a sim task can run anywhere */
function driverFits(n: PlaceNode, driver: string): boolean {
  return driver === 'sim' || !n.sim;
}

function fits(n: PlaceNode, t: PlaceTask): boolean {
  const cpu = t.wants?.cpu ?? 0,
    mem = t.wants?.memoryBytes ?? 0;
  if (cpu > 0 && n.cpu > 0 && n.usedCpu + cpu > n.cpu + 1e-9) return false;
  if (mem > 0 && n.memoryBytes > 0 && n.usedMem + mem > n.memoryBytes) return false;
  return true;
}

function groupKey(t: PlaceTask): string {
  let k = `${t.driver}|${t.wants?.cpu ?? 0}|${t.wants?.memoryBytes ?? 0}|`;
  for (const c in t.constraints) k += `${c}=${t.constraints[c]};`;
  return k;
}

function fmtLabels(c: Record<string, string>): string {
  const s = Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return s ? `{${s}}` : '{}';
}

function noFit(t: PlaceTask, nodes: PlaceNode[]): BatonError {
  const fields = { taskName: t.name, where: t.name, data: { constraints: fmtLabels(t.constraints ?? {}) } };
  if (nodes.length === 0) return new BatonError('PLACEMENT', `no node is up to place task ${t.name}`, fields);
  const matching = nodes.filter((n) => labelsMatch(n.labels, t.constraints ?? {}) && driverFits(n, t.driver));
  if (matching.length === 0) {
    return new BatonError(
      'PLACEMENT',
      `no node fits task ${t.name}: none of ${nodes.length} node(s) has labels ${fmtLabels(t.constraints ?? {})}` +
        (t.driver !== 'sim' ? ' and runs real processes' : ''),
      fields,
    );
  }
  const best = matching.reduce((b, n) => (n.cpu - n.usedCpu > b.cpu - b.usedCpu ? n : b));
  const wants = [t.wants.cpu > 0 ? `cpu ${formatCores(t.wants.cpu)}` : '', t.wants.memoryBytes > 0 ? `memory ${formatBinaryBytes(t.wants.memoryBytes)}` : '']
    .filter(Boolean)
    .join(', ');
  // a node that reports no memory size has no memory limit: its memory left is not news
  const memoryLeft = best.memoryBytes > 0 ? `, ${formatBinaryBytes(Math.max(0, best.memoryBytes - best.usedMem))} of memory` : '';
  return new BatonError(
    'PLACEMENT',
    `no node fits task ${t.name}: it wants ${wants}; ` +
      `${matching.length} node(s) match its labels but have not enough left (most cpu left: ${best.name}, ` +
      `${formatCores(Math.max(0, best.cpu - best.usedCpu))}${memoryLeft})`,
    fields,
  );
}

function sameGroupObjects(t: PlaceTask, other: PlaceTask): boolean {
  return t.constraints === other.constraints && t.wants === other.wants && t.driver === other.driver;
}

/** the candidate heap of `t`'s group (same driver, wants and constraints), made on first use */
function groupHeap(heaps: Map<string, LoadHeap>, t: PlaceTask, nodes: PlaceNode[]): LoadHeap {
  const key = groupKey(t);
  let heap = heaps.get(key);
  if (!heap) {
    heap = new LoadHeap();
    for (let idx = 0; idx < nodes.length; idx++) {
      const n = nodes[idx]!;
      if (labelsMatch(n.labels, t.constraints ?? {}) && driverFits(n, t.driver)) heap.push({ node: n, idx, load: n.load });
    }
    heaps.set(key, heap);
  }
  return heap;
}

/**
 * Places every task; returns the node name per task (same order). Mutates the nodes' used
 * resources and load as it goes. Throws PLACEMENT naming the first task that fits nowhere.
 */
export function placeTasks(tasks: readonly PlaceTask[], nodes: PlaceNode[]): string[] {
  const out = new Array<string>(tasks.length);
  const heaps = new Map<string, LoadHeap>();
  let heap: LoadHeap | undefined;
  let previous: PlaceTask | undefined;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    // an iterator's tasks come in a row and share their spec's constraints and wants objects
    // (store/pack.ts): such a task is in the group of the one before, known without its key
    if (!heap || !sameGroupObjects(t, previous!)) heap = groupHeap(heaps, t, nodes);
    previous = t;
    let placed: PlaceNode | null = null;
    while (heap.size) {
      const s = heap.pop()!;
      if (s.load !== s.node.load) {
        s.load = s.node.load;
        heap.push(s);
        continue;
      } // stale
      // same group = same wants; used only grows, so a node that does not fit now never will
      if (!fits(s.node, t)) continue;
      placed = s.node;
      placed.load++;
      placed.usedCpu += t.wants?.cpu ?? 0;
      placed.usedMem += t.wants?.memoryBytes ?? 0;
      s.load = placed.load;
      heap.push(s);
      break;
    }
    if (!placed) throw noFit(t, nodes);
    out[i] = placed.name;
  }
  return out;
}
