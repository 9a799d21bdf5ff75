// One TaskControl.Control call (task.proto): a bidirectional gRPC stream on node:http2, messages
// encoded and decoded by the generated codecs (sdk/node/gen). What is ours is gRPC's thin layer
// over HTTP/2: the request headers, the 5-byte message prefix, grpc-status from the trailers.
// Why not @grpc/grpc-js, which the agent serves with: a task's side is one stream to one local
// socket, and on it grpc-js (its channel, resolver, balancer and filter stack) cost every task more
// cpu per transition, more wall time per round trip and more at start-up than node:http2 did
// (measured: docs/performance.md, "Node SDK transport").
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { parseAddress } from '../../core/rpc/address.js';
import { FrameReader } from './frames.js';
import { AgentToTask, TaskMsg } from './gen/task.js';

export const GRPC_STATUS = { OK: 0, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;
/** the call ended with no grpc-status (the connection or the stream broke) */
export const NO_STATUS = -1;

const METHOD = '/baton.v1.TaskControl/Control';

export interface CallHandlers {
  onMessage(message: AgentToTask): void;
  /** once, when the call is over: the server's grpc-status (or NO_STATUS) and its message */
  onEnd(code: number, message: string): void;
}

/** Splits a gRPC body into messages: a compressed-flag byte, a 4-byte big-endian length, the bytes. */
export class GrpcDeframer extends FrameReader {
  constructor() {
    super(1);
  }

  protected override checkPrefix(buf: Buffer, off: number): void {
    if (buf[off] !== 0) throw new Error('gRPC: a compressed message, and no compression was offered');
  }
}

/** One message as gRPC frames it. */
export function grpcFrame(message: TaskMsg): Buffer {
  const body = TaskMsg.encode(message).finish();
  const frame = Buffer.allocUnsafe(5 + body.length);
  frame[0] = 0;
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, 5);
  return frame;
}

export class ControlCall {
  private readonly session: http2.ClientHttp2Session;
  private readonly stream: http2.ClientHttp2Stream;
  private readonly deframer = new GrpcDeframer();
  private status: number = NO_STATUS;
  private statusMessage = '';
  private ended = false;
  private readonly over: Promise<void>;
  private markOver!: () => void;

  /** `address`: BATON_CONTROL, `unix:///abs/path` or `host:port` */
  constructor(
    address: string,
    private readonly handlers: CallHandlers,
  ) {
    this.over = new Promise((resolve) => (this.markOver = resolve));
    const target = parseAddress(address, 'BATON_CONTROL');
    const connect = () =>
      target.kind === 'unix' ? net.connect(target.path!) : net.connect({ host: target.host!.replace(/^\[|\]$/g, ''), port: target.port!, noDelay: true });
    this.session = http2.connect(target.kind === 'unix' ? 'http://localhost' : `http://${target.grpc}`, { createConnection: connect });
    this.session.on('error', (e) => this.finish(e.message));
    this.session.on('close', () => this.finish('the connection closed'));
    this.stream = this.session.request({
      ':method': 'POST',
      ':path': METHOD,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    this.stream.on('response', (headers) => {
      if (headers[':status'] !== 200) this.setStatus(GRPC_STATUS.UNAVAILABLE, `HTTP status ${headers[':status']}`);
      this.statusFrom(headers); // grpc-status here: a trailers-only answer (an error before any message)
    });
    this.stream.on('trailers', (trailers) => this.statusFrom(trailers));
    this.stream.on('data', (chunk: Buffer) => this.onData(chunk));
    // the agent's side is done (after its trailers, or a trailers-only answer): so is the call,
    // whether or not the task has half-closed its side
    this.stream.on('end', () => this.finish('the agent ended the call'));
    this.stream.on('error', (e) => this.finish(e.message));
    this.stream.on('close', () => this.finish('the stream closed'));
  }

  private onData(chunk: Buffer): void {
    try {
      for (const frame of this.deframer.push(chunk)) {
        if (this.ended) return;
        this.handlers.onMessage(AgentToTask.decode(frame));
      }
    } catch (e) {
      this.setStatus(GRPC_STATUS.INTERNAL, `a message from the agent could not be read: ${(e as Error).message}`);
      this.finish('');
    }
  }

  private setStatus(code: number, message: string): void {
    if (this.status === NO_STATUS || this.status === GRPC_STATUS.OK) {
      this.status = code;
      this.statusMessage = message;
    }
  }

  private statusFrom(fields: http2.IncomingHttpHeaders): void {
    const code = fields['grpc-status'];
    if (code === undefined) return;
    let message = String(fields['grpc-message'] ?? '');
    try {
      message = decodeURIComponent(message); // gRPC percent-encodes the message
    } catch {
      /* keep it as sent */
    }
    this.setStatus(Number(code), message);
  }

  private finish(why: string): void {
    if (this.ended) return;
    this.ended = true;
    this.session.destroy();
    this.markOver();
    this.handlers.onEnd(this.status, this.status === NO_STATUS ? why : this.statusMessage);
  }

  /** Sends one message; `done(true)` once it was handed to the connection, `done(false)` if the call is over. */
  write(message: TaskMsg, done?: (ok: boolean) => void): void {
    if (this.ended || this.stream.writableEnded) {
      done?.(false);
      return;
    }
    this.stream.write(grpcFrame(message), (e) => done?.(!e));
  }

  /**
   * Half-closes: the task sends nothing more, the agent finishes the call (what was written still
   * arrives). Resolves when the call is over, or after `graceMs` at the latest.
   */
  end(graceMs = 1000): Promise<void> {
    if (!this.ended && !this.stream.writableEnded) {
      this.stream.end();
      setTimeout(() => this.finish('closed by the task'), graceMs).unref();
    }
    return this.over;
  }
}
