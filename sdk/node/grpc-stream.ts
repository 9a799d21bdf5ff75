// One bidirectional gRPC call, for the task side of TaskControl. The wire is plain gRPC (HTTP/2,
// 5-byte message prefix, grpc-status in the trailers), so the agent's grpc-js server and tasks
// written with any gRPC library see no difference. Why not grpc-js here: loading it (with
// @bufbuild/protobuf) roughly doubles a Node task's start-up, and a farm starts 1,000s of them.
// Why not node:http2 either: the HTTP/2 client is our own (core/sdk/h2/: frames on a plain
// net.Socket, HPACK, flow control, one stream), which is cheaper at start-up and per message.
// Measured on 2 cores (medians; old = node:http2): a task process that loads the SDK, dials and
// gets its first answer used 97.6 -> 94.1 cpu-ms (loading node:http2 alone is ~7 cpu-ms; loading
// core/sdk/h2 as it is, 8 ESM files, about as much, as one file 2.3); the demo task's first 300
// transitions used 130 -> 119 cpu-us each, and hot ones 117 -> 113 (within the noise). The rest of
// a round trip is the kernel and net.Socket's stream layer, which node:http2 skips by reading and
// writing the socket from C++; the gain on the wire is therefore small.
import * as net from 'node:net';
import { parseAddress } from '../../core/rpc/address.js';
import { FrameReader } from './frames.js';
import { H2Connection } from './h2/connection.js';

export { grpcFrame } from './h2/outbound.js';

export const GRPC_STATUS = { OK: 0, UNAVAILABLE: 14, UNAUTHENTICATED: 16, INTERNAL: 13 } as const;
/** the call ended with no grpc-status (the connection or stream broke) */
export const NO_STATUS = -1;

export interface DuplexHandlers {
  onMessage(msg: Buffer): void;
  /** once, when the call is over: the server's grpc-status (or NO_STATUS) and message */
  onEnd(code: number, message: string): void;
}

/** `unix:///path` or `host:port` (parsed as every Baton address is) -> a socket to it */
export function dial(address: string): net.Socket {
  const a = parseAddress(address, 'BATON_CONTROL');
  if (a.kind === 'unix') return net.connect(a.path!);
  return net.connect({ host: a.host!.replace(/^\[|\]$/g, ''), port: a.port!, noDelay: true });
}

/** Splits the response body into gRPC messages (flag byte, 4-byte big-endian length, bytes). */
export class GrpcDeframer extends FrameReader {
  constructor() {
    super(1);
  }

  protected override checkPrefix(buf: Buffer, off: number): void {
    if (buf[off] !== 0) throw new Error('gRPC: a compressed message, and no compression was offered');
  }
}

/** the request headers of a gRPC call to `method` (the order node:http2 sent them in) */
function requestHeaders(method: string): [string, string][] {
  return [
    [':method', 'POST'], [':scheme', 'http'], [':path', method], [':authority', 'localhost'],
    ['content-type', 'application/grpc'], ['te', 'trailers'],
  ];
}

/** the first value of header `name` in a decoded block ([name, value, ...]) */
function header(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

export class GrpcDuplex {
  private readonly conn: H2Connection;
  private readonly deframer = new GrpcDeframer();
  private status: number = NO_STATUS;
  private statusMessage = '';
  private gotResponse = false;
  private ended = false;

  /** `method`: the gRPC path, e.g. /baton.v1.TaskControl/Control */
  constructor(address: string, method: string, private readonly h: DuplexHandlers) {
    this.conn = new H2Connection(dial(address), requestHeaders(method), {
      onHeaders: (fields) => this.onHeaders(fields),
      onData: (buf, start, end) => this.onData(buf, start, end),
      onEnd: (why) => this.finish(why),
    });
  }

  private onHeaders(fields: string[]): void {
    if (!this.gotResponse) {
      this.gotResponse = true;
      const s = header(fields, ':status');
      if (s !== '200') this.setStatus(GRPC_STATUS.UNAVAILABLE, `HTTP status ${s}`);
    }
    // grpc-status in the response headers: a trailers-only answer (an error before any message)
    this.statusFrom(fields);
  }

  private onData(buf: Buffer, start: number, end: number): void {
    try {
      for (const m of this.deframer.push(buf.subarray(start, end))) if (!this.ended) this.h.onMessage(m);
    } catch (e) {
      this.setStatus(GRPC_STATUS.INTERNAL, (e as Error).message);
      this.finish('');
    }
  }

  private setStatus(code: number, message: string): void {
    if (this.status === NO_STATUS || this.status === GRPC_STATUS.OK) {
      this.status = code;
      this.statusMessage = message;
    }
  }

  private statusFrom(fields: string[]): void {
    const s = header(fields, 'grpc-status');
    if (s === undefined) return;
    let msg = header(fields, 'grpc-message') ?? '';
    try {
      msg = decodeURIComponent(msg); // gRPC percent-encodes the message
    } catch {
      /* keep it as sent */
    }
    this.setStatus(Number(s), msg);
  }

  private finish(why: string): void {
    if (this.ended) return;
    this.ended = true;
    this.conn.close();
    this.h.onEnd(this.status, this.status === NO_STATUS ? why : this.statusMessage);
  }

  /** Sends one message; `done(true)` once it was handed to the transport, `done(false)` if the call is over. */
  write(msg: Buffer, done?: (ok: boolean) => void): void {
    if (this.ended) {
      done?.(false);
      return;
    }
    this.conn.send(msg, done);
  }

  /**
   * Half-closes and lets the server finish the call (what was written still arrives); the
   * connection closes when it has, or after `graceMs` at the latest.
   */
  end(graceMs = 1000): void {
    if (this.ended) return;
    this.conn.end();
    setTimeout(() => this.finish('closed by the task'), graceMs).unref();
  }
}
