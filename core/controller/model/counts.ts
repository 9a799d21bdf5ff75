// Task counts of an environment by state, kept incrementally: O(1) per task change, never a scan.

export class StateCounts {
  total = 0;
  lost = 0;
  readonly byState = new Map<string, number>();

  add(state: string): void {
    this.total++;
    this.byState.set(state, (this.byState.get(state) ?? 0) + 1);
  }

  remove(state: string): void {
    this.total--;
    this.dec(state);
  }

  move(from: string, to: string): void {
    if (from === to) return;
    this.dec(from);
    this.byState.set(to, (this.byState.get(to) ?? 0) + 1);
  }

  get(state: string): number {
    return this.byState.get(state) ?? 0;
  }

  /** true when every counted task is in `state` (and there is at least one) */
  all(state: string): boolean {
    return this.total > 0 && this.get(state) === this.total;
  }

  toObject(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.byState) if (v > 0) out[k] = v;
    return out;
  }

  private dec(state: string): void {
    const n = (this.byState.get(state) ?? 0) - 1;
    if (n <= 0) this.byState.delete(state);
    else this.byState.set(state, n);
  }
}
