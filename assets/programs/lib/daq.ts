// The demo DAQ frame: a 16-byte header (magic, run number, sequence, payload length) and a payload.
export const MAGIC = 0x4254_4e31; // "BTN1"
export const HEADER = 16;

export function makeFrame(run: number, seq: number, payload: Buffer): Buffer {
  const f = Buffer.allocUnsafe(HEADER + payload.length);
  f.writeUInt32BE(MAGIC, 0);
  f.writeUInt32BE(run >>> 0, 4);
  f.writeUInt32BE(seq >>> 0, 8);
  f.writeUInt32BE(payload.length, 12);
  payload.copy(f, HEADER);
  return f;
}

export interface FrameCheck {
  ok: boolean;
  run: number;
  seq: number;
  why?: string;
}

export function checkFrame(f: Buffer): FrameCheck {
  if (f.length < HEADER) return { ok: false, run: 0, seq: 0, why: `short frame (${f.length} bytes)` };
  const run = f.readUInt32BE(4);
  const seq = f.readUInt32BE(8);
  if (f.readUInt32BE(0) !== MAGIC) return { ok: false, run, seq, why: 'bad magic' };
  if (f.readUInt32BE(12) !== f.length - HEADER) return { ok: false, run, seq, why: 'length mismatch' };
  return { ok: true, run, seq };
}

/** Counts per second and prints one line each second while running. */
export class PerSecond {
  private timer: NodeJS.Timeout | null = null;
  frames = 0;
  bytes = 0;
  total = 0;
  constructor(private readonly line: (frames: number, bytes: number, total: number) => string) {}
  add(bytes: number): void {
    this.frames++;
    this.bytes += bytes;
    this.total++;
  }
  start(): void {
    this.stop();
    this.frames = 0;
    this.bytes = 0;
    this.timer = setInterval(() => {
      console.log(this.line(this.frames, this.bytes, this.total));
      this.frames = 0;
      this.bytes = 0;
    }, 1000);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export function num(args: Record<string, string>, key: string, dflt: number): number {
  const v = args[key];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`property ${key}=${v} is not a non-negative number`);
  return n;
}
