// One tier of a series: a fixed period and a fixed number of slots, overwritten in a circle.
// A slot holds the mean of the samples that fell in its period (the fine tier gets one sample a
// period; the coarse tier averages a dozen). Values are float32 (7 significant digits: plenty for
// a plot) and each slot keeps its period number, so a slot left from an older lap reads as empty
// and the ring needs no clearing when samples stop for a while. 8 bytes a slot, nothing else.

export interface Point {
  timeMs: number;
  value: number;
}

export class TierRing {
  private readonly values: Float32Array;
  /** the period number of each slot counted from the first one written, plus one (0: never
   *  written): relative, so a short test period (200 ms) fits 32 bits as well as 5 s does */
  private readonly periods: Uint32Array;
  private basePeriod = -1;
  private lastPeriod = -1;
  private sum = 0;
  private count = 0;

  constructor(
    readonly periodMs: number,
    readonly slots: number,
  ) {
    this.values = new Float32Array(slots);
    this.periods = new Uint32Array(slots);
  }

  /** how far back this tier reaches */
  get spanMs(): number {
    return this.periodMs * this.slots;
  }

  /** bytes held by the two arrays */
  get bytes(): number {
    return this.values.byteLength + this.periods.byteLength;
  }

  add(timeMs: number, value: number): void {
    const period = Math.floor(timeMs / this.periodMs);
    if (period < this.lastPeriod) return; // a clock step back: the ring only moves forward
    if (this.basePeriod < 0) this.basePeriod = period;
    if (period !== this.lastPeriod) {
      this.lastPeriod = period;
      this.sum = 0;
      this.count = 0;
    }
    this.sum += value;
    this.count += 1;
    const slot = period % this.slots;
    this.values[slot] = this.sum / this.count;
    this.periods[slot] = period - this.basePeriod + 1;
  }

  /** the slots between two times (inclusive), oldest first; each at the start of its period */
  read(sinceMs: number, untilMs: number): Point[] {
    const out: Point[] = [];
    if (this.lastPeriod < 0) return out;
    const first = Math.max(Math.floor(sinceMs / this.periodMs), this.lastPeriod - this.slots + 1, this.basePeriod);
    const last = Math.min(Math.floor(untilMs / this.periodMs), this.lastPeriod);
    for (let period = first; period <= last; period++) {
      const slot = period % this.slots;
      if (this.periods[slot] === period - this.basePeriod + 1) out.push({ timeMs: period * this.periodMs, value: this.values[slot]! });
    }
    return out;
  }

  /** the time of the last sample's period (-1: none) */
  get lastMs(): number {
    return this.lastPeriod < 0 ? -1 : this.lastPeriod * this.periodMs;
  }
}
