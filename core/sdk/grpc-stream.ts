// One bidirectional gRPC call over node:http2, for the task side of TaskControl. The wire is plain
// gRPC (HTTP/2, 5-byte message prefix, grpc-status in the trailers), so the agent's grpc-js server
// and tasks written with any gRPC library see no difference. Why not grpc-js here: loading it
// (with @bufbuild/protobuf) roughly doubles a Node task's start-up, and a farm starts 1,000s of them.
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { parseAddress } from '../rpc/address.js';
import { FrameReader } from './frames.js';

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
  return net.connect({ host: a.host!.replace(/^\[|\]$/g, ''), port: a.port! });
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

export function grpcFrame(msg: Buffer): Buffer {
  const f = Buffer.allocUnsafe(5 + msg.length);
  f[0] = 0;
  f.writeUInt32BE(msg.length, 1);
  msg.copy(f, 5);
  return f;
}

export class GrpcDuplex {
  private readonly session: http2.ClientHttp2Session;
  private readonly stream: http2.ClientHttp2Stream;
  private status: number = NO_STATUS;
  private statusMessage = '';
  private ended = false;

  /** `method`: the gRPC path, e.g. /baton.v1.TaskControl/Control */
  constructor(address: string, method: string, private readonly h: DuplexHandlers) {
    this.session = http2.connect('http://localhost', { createConnection: () => dial(address) });
    this.session.on('error', (e) => this.finish(e.message));
    this.session.on('close', () => this.finish('connection closed'));
    this.stream = this.session.request({
      ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers',
    });
    const deframer = new GrpcDeframer();
    this.stream.on('response', (headers) => {
      if (headers[':status'] !== 200) this.setStatus(GRPC_STATUS.UNAVAILABLE, `HTTP status ${headers[':status']}`);
      this.statusFrom(headers); // a trailers-only answer (an error before any message)
    });
    this.stream.on('trailers', (t) => this.statusFrom(t));
    this.stream.on('data', (chunk: Buffer) => {
      try {
        for (const m of deframer.push(chunk)) if (!this.ended) this.h.onMessage(m);
      } catch (e) {
        this.setStatus(GRPC_STATUS.INTERNAL, (e as Error).message);
        this.finish('');
      }
    });
    // the server's trailers end the call even while our side is still open ('close' waits for both)
    this.stream.on('end', () => this.finish('stream ended'));
    this.stream.on('error', (e) => this.finish(e.message));
    this.stream.on('close', () => this.finish('stream closed'));
  }

  private setStatus(code: number, message: string): void {
    if (this.status === NO_STATUS || this.status === GRPC_STATUS.OK) {
      this.status = code;
      this.statusMessage = message;
    }
  }

  private statusFrom(h: http2.IncomingHttpHeaders): void {
    const s = h['grpc-status'];
    if (s === undefined) return;
    let msg = String(h['grpc-message'] ?? '');
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
    this.stream.destroy();
    this.session.destroy();
    this.h.onEnd(this.status, this.status === NO_STATUS ? why : this.statusMessage);
  }

  /** Sends one message; `done(true)` once it was handed to the transport, `done(false)` if the call is over. */
  write(msg: Buffer, done?: (ok: boolean) => void): void {
    if (this.ended || this.stream.destroyed) {
      done?.(false);
      return;
    }
    this.stream.write(grpcFrame(msg), (err) => done?.(!err));
  }

  /**
   * Half-closes and lets the server finish the call (what was written still arrives); the
   * connection closes when it has, or after `graceMs` at the latest.
   */
  end(graceMs = 1000): void {
    if (this.ended) return;
    if (!this.stream.destroyed) this.stream.end();
    this.session.close();
    setTimeout(() => this.finish('closed by the task'), graceMs).unref();
  }
}
