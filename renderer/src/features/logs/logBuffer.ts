// The lines of one task's log as the console received them (capped), with their arrival time, and
// how they are shown: with or without timestamps (a line's own leading ISO timestamp when it has
// one, else the arrival time).

export interface LogLine {
  t: number;
  text: string;
}

const ISO = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+/;

export function splitTimestamp(text: string): { ts?: string; rest: string } {
  const m = ISO.exec(text);
  return m ? { ts: m[1], rest: text.slice(m[0].length) } : { rest: text };
}

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function displayLine(l: LogLine, timestamps: boolean): string {
  const { ts, rest } = splitTimestamp(l.text);
  return timestamps ? `${ts ?? clock(l.t)} ${rest}` : rest;
}

export class LogBuffer {
  private lines: LogLine[] = [];
  dropped = 0;
  constructor(readonly cap = 100_000) {}
  push(texts: readonly string[], t: number): LogLine[] {
    const added = texts.map((text) => ({ t, text }));
    this.lines.push(...added);
    if (this.lines.length > this.cap) {
      const extra = this.lines.length - this.cap;
      this.lines.splice(0, extra);
      this.dropped += extra;
    }
    return added;
  }
  get size(): number {
    return this.lines.length;
  }
  all(): readonly LogLine[] {
    return this.lines;
  }
  text(timestamps: boolean): string {
    return this.lines.map((l) => displayLine(l, timestamps)).join('\n') + (this.lines.length ? '\n' : '');
  }
  /** how many lines contain the query (case-insensitive) */
  count(query: string): number {
    const q = query.toLowerCase();
    if (!q) return 0;
    let n = 0;
    for (const l of this.lines) if (l.text.toLowerCase().includes(q)) n++;
    return n;
  }
  clear(): void {
    this.lines = [];
    this.dropped = 0;
  }
}
