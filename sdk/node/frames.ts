// Length-prefixed frames on a byte stream: a 4-byte big-endian length, then the payload.
export const MAX_FRAME = 64 * 1024 * 1024;

export function frameHeader(len: number): Buffer {
  const h = Buffer.allocUnsafe(4);
  h.writeUInt32BE(len, 0);
  return h;
}

/**
 * Collects chunks and returns the complete frames they finish. Throws on an oversized frame.
 * `prefixBytes` come before the length (gRPC's compressed-flag byte); a subclass checks them.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly prefixBytes = 0) {}

  /** throws if the prefix of the frame at `off` is not acceptable */
  protected checkPrefix(_buf: Buffer, _off: number): void {}

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    const head = this.prefixBytes + 4;
    let off = 0;
    while (this.buf.length - off >= head) {
      this.checkPrefix(this.buf, off);
      const len = this.buf.readUInt32BE(off + this.prefixBytes);
      if (len > MAX_FRAME) throw new Error(`frame of ${len} bytes is over the ${MAX_FRAME} byte limit`);
      if (this.buf.length - off - head < len) break;
      out.push(this.buf.subarray(off + head, off + head + len));
      off += head + len;
    }
    this.buf = off ? this.buf.subarray(off) : this.buf;
    // keep the remainder in its own buffer so big frames do not pin old chunks
    if (off && this.buf.length) this.buf = Buffer.from(this.buf);
    return out;
  }
}
