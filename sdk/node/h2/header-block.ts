// Header blocks as they arrive (RFC 9113 sections 4.3, 6.2, 6.10): a HEADERS frame, stripped of
// padding and priority fields, then CONTINUATION frames until END_HEADERS, decoded with HPACK.
// Nothing else may come between them on the connection (the connection checks `open`).
import {
  COMPRESSION_ERROR, END_HEADERS, END_STREAM, FRAME_SIZE_ERROR, H2Error, PADDED, padLength, PRIORITY_FLAG, PROTOCOL_ERROR,
} from './frame.js';
import { HpackDecoder } from './hpack.js';

/** a header block still waiting for CONTINUATION frames may not grow past this */
const MAX_BLOCK = 1 << 20;

export interface HeaderBlock {
  fields: string[];
  /** the HEADERS frame had END_STREAM: trailers, or a trailers-only response */
  endStream: boolean;
}

export class HeaderBlocks {
  /** the fragments so far of a block that waits for CONTINUATION */
  private pending: Buffer | null = null;
  private endStream = false;

  /** `decoder`: the connection's HPACK state (every block goes through it, in order) */
  constructor(readonly decoder: HpackDecoder) {}

  /** true while a block waits for its CONTINUATION frames */
  get open(): boolean {
    return this.pending !== null;
  }

  /** a HEADERS frame's payload -> the block, or null when CONTINUATION frames are to follow */
  headers(flags: number, buf: Buffer, start: number, end: number): HeaderBlock | null {
    if (flags & PADDED) end -= padLength(buf, start++, end);
    if (flags & PRIORITY_FLAG) {
      start += 5; // stream dependency and weight: nothing to do with one stream
      if (start > end) throw new H2Error(FRAME_SIZE_ERROR, 'HEADERS too short for its PRIORITY fields');
    }
    this.endStream = (flags & END_STREAM) !== 0;
    if (flags & END_HEADERS) return this.decode(buf, start, end);
    this.pending = Buffer.from(buf.subarray(start, end)); // a copy: the chunk is not ours to keep
    return null;
  }

  /** a CONTINUATION frame's payload -> the block, or null when more are to follow */
  continuation(flags: number, buf: Buffer, start: number, end: number): HeaderBlock | null {
    if (this.pending === null) throw new H2Error(PROTOCOL_ERROR, 'CONTINUATION without a HEADERS frame before it');
    if (this.pending.length + end - start > MAX_BLOCK) throw new H2Error(PROTOCOL_ERROR, `a header block over ${MAX_BLOCK} bytes`);
    this.pending = Buffer.concat([this.pending, buf.subarray(start, end)]);
    if (!(flags & END_HEADERS)) return null;
    const b = this.pending;
    this.pending = null;
    return this.decode(b, 0, b.length);
  }

  private decode(buf: Buffer, start: number, end: number): HeaderBlock {
    try {
      return { fields: this.decoder.decode(buf, start, end), endStream: this.endStream };
    } catch (e) {
      throw new H2Error(COMPRESSION_ERROR, (e as Error).message);
    }
  }
}
