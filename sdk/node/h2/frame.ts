// HTTP/2 frames (RFC 9113 sections 4 and 6): the constants, the frames a client writes, and the
// splitting of the byte stream into frames. The connection (connection.ts) gives them meaning.
// Every frame starts with a 9-byte header: 24-bit payload length, type, flags, 31-bit stream id.

export const HEADER_BYTES = 9;
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

// frame types
export const DATA = 0x0;
export const HEADERS = 0x1;
export const PRIORITY = 0x2;
export const RST_STREAM = 0x3;
export const SETTINGS = 0x4;
export const PUSH_PROMISE = 0x5;
export const PING = 0x6;
export const GOAWAY = 0x7;
export const WINDOW_UPDATE = 0x8;
export const CONTINUATION = 0x9;

// flags
export const END_STREAM = 0x1;
export const ACK = 0x1;
export const END_HEADERS = 0x4;
export const PADDED = 0x8;
export const PRIORITY_FLAG = 0x20;

// settings (6.5.2)
export const SETTINGS_HEADER_TABLE_SIZE = 0x1;
export const SETTINGS_ENABLE_PUSH = 0x2;
export const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
export const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
export const SETTINGS_MAX_FRAME_SIZE = 0x5;
export const SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

export const DEFAULT_WINDOW = 65535;
export const DEFAULT_MAX_FRAME = 16384;
export const MAX_WINDOW = 2 ** 31 - 1;

// error codes (7)
export const NO_ERROR = 0x0;
export const PROTOCOL_ERROR = 0x1;
export const INTERNAL_ERROR = 0x2;
export const FLOW_CONTROL_ERROR = 0x3;
export const STREAM_CLOSED = 0x5;
export const FRAME_SIZE_ERROR = 0x6;
export const CANCEL = 0x8;
export const COMPRESSION_ERROR = 0x9;
const ERROR_NAMES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `error 0x${code.toString(16)}`;
}

/** A connection error: the connection is closed with GOAWAY(code). */
export class H2Error extends Error {
  constructor(readonly code: number, message: string) {
    super(`HTTP/2 ${errorName(code)}: ${message}`);
  }
}

export function writeFrameHeader(buf: Buffer, off: number, length: number, type: number, flags: number, stream: number): void {
  buf[off] = length >>> 16;
  buf[off + 1] = (length >>> 8) & 0xff;
  buf[off + 2] = length & 0xff;
  buf[off + 3] = type;
  buf[off + 4] = flags;
  buf.writeUInt32BE(stream, off + 5);
}

/** a frame with a payload built from 32-bit words (RST_STREAM, WINDOW_UPDATE, GOAWAY) or given bytes */
function frame(type: number, flags: number, stream: number, words: number[], tail?: Buffer): Buffer {
  const len = words.length * 4 + (tail?.length ?? 0);
  const f = Buffer.allocUnsafe(HEADER_BYTES + len);
  writeFrameHeader(f, 0, len, type, flags, stream);
  words.forEach((w, i) => f.writeUInt32BE(w, HEADER_BYTES + 4 * i));
  tail?.copy(f, HEADER_BYTES + words.length * 4);
  return f;
}

/** SETTINGS with (id, value) pairs */
export function settingsFrame(settings: readonly (readonly [number, number])[]): Buffer {
  const f = Buffer.allocUnsafe(HEADER_BYTES + 6 * settings.length);
  writeFrameHeader(f, 0, 6 * settings.length, SETTINGS, 0, 0);
  settings.forEach(([id, v], i) => {
    f.writeUInt16BE(id, HEADER_BYTES + 6 * i);
    f.writeUInt32BE(v, HEADER_BYTES + 6 * i + 2);
  });
  return f;
}

export const SETTINGS_ACK_FRAME = frame(SETTINGS, ACK, 0, []);

export function windowUpdateFrame(stream: number, increment: number): Buffer {
  return frame(WINDOW_UPDATE, 0, stream, [increment]);
}

export function rstStreamFrame(stream: number, code: number): Buffer {
  return frame(RST_STREAM, 0, stream, [code]);
}

export function goawayFrame(lastStream: number, code: number, debug = ''): Buffer {
  return frame(GOAWAY, 0, 0, [lastStream, code], Buffer.from(debug));
}

/** the answer to a PING: the same 8 bytes, with ACK */
export function pingAckFrame(buf: Buffer, start: number): Buffer {
  return frame(PING, ACK, 0, [], buf.subarray(start, start + 8));
}

/** HEADERS, and CONTINUATION frames if the block is larger than the peer's frame size */
export function headersFrames(stream: number, block: Buffer, maxFrame: number, endStream: boolean): Buffer {
  const parts: Buffer[] = [];
  for (let off = 0; off < block.length || off === 0; off += maxFrame) {
    const piece = block.subarray(off, off + maxFrame);
    const last = off + maxFrame >= block.length;
    const flags = (last ? END_HEADERS : 0) | (off === 0 && endStream ? END_STREAM : 0);
    parts.push(frame(off === 0 ? HEADERS : CONTINUATION, flags, stream, [], piece));
  }
  return Buffer.concat(parts);
}

/** the pad length of a PADDED frame at buf[at], checked against the payload's end (6.1, 6.2) */
export function padLength(buf: Buffer, at: number, end: number): number {
  if (at >= end) throw new H2Error(FRAME_SIZE_ERROR, 'a PADDED frame without its pad length');
  const pad = buf[at]!;
  if (pad > end - at - 1) throw new H2Error(PROTOCOL_ERROR, `padding of ${pad} bytes, longer than the frame`);
  return pad;
}

/** what the reader hands each complete frame to: the payload is buf[start, end) */
export interface FrameSink {
  frame(type: number, flags: number, stream: number, buf: Buffer, start: number, end: number): void;
}

/**
 * Splits the byte stream into frames. A chunk that holds whole frames is used as it is (no copy);
 * only a frame cut by a chunk boundary is put together. Throws H2Error(FRAME_SIZE_ERROR) for a
 * frame over `maxFrame` (our SETTINGS_MAX_FRAME_SIZE).
 */
export class FrameSplitter {
  private rest: Buffer | null = null;

  constructor(private readonly maxFrame: number) {}

  push(chunk: Buffer, sink: FrameSink): void {
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let off = 0;
    const n = buf.length;
    while (n - off >= HEADER_BYTES) {
      const len = (buf[off]! << 16) | (buf[off + 1]! << 8) | buf[off + 2]!;
      if (len > this.maxFrame) throw new H2Error(FRAME_SIZE_ERROR, `a frame of ${len} bytes, over our maximum of ${this.maxFrame}`);
      const start = off + HEADER_BYTES;
      if (n - start < len) break;
      off = start + len;
      sink.frame(buf[start - 6]!, buf[start - 5]!, buf.readUInt32BE(start - 4) & 0x7fffffff, buf, start, off);
    }
    // a partial frame is kept in its own copy so that it does not pin the whole chunk
    if (off < n) this.rest = off === 0 && buf !== chunk ? buf : Buffer.from(buf.subarray(off));
  }
}
