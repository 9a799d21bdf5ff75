// Length-prefixed frames on a byte stream: a 4-byte big-endian length, then the payload.
export const MAX_FRAME = 64 * 1024 * 1024;

export function frameHeader(len: number): Buffer {
  const h = Buffer.allocUnsafe(4);
  h.writeUInt32BE(len, 0);
  return h;
}

/** Collects chunks and returns the complete frames they finish. Throws on an oversized frame. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    let off = 0;
    while (this.buf.length - off >= 4) {
      const len = this.buf.readUInt32BE(off);
      if (len > MAX_FRAME) throw new Error(`frame of ${len} bytes is over the ${MAX_FRAME} byte limit`);
      if (this.buf.length - off - 4 < len) break;
      out.push(this.buf.subarray(off + 4, off + 4 + len));
      off += 4 + len;
    }
    this.buf = off ? this.buf.subarray(off) : this.buf;
    // keep the remainder in its own buffer so big frames do not pin old chunks
    if (off && this.buf.length) this.buf = Buffer.from(this.buf);
    return out;
  }
}
