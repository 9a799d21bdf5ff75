// One HTTP/2 connection that carries one stream (id 1), on a plain socket: the transport of the
// task SDK's single gRPC call (see grpc-stream.ts for why not node:http2). It speaks what a client
// of one long call needs: the preface and SETTINGS, HEADERS (+CONTINUATION) both ways, DATA with
// flow control both ways, PING answers, RST_STREAM and GOAWAY. The server cannot open streams
// (push is off), so any other stream id is a protocol error, and so is anything else RFC 9113
// calls a connection error: we answer GOAWAY with its code and the reason, and the stream ends.
//
// Reading is the hot path: the socket's chunks are split into frames where they lie (frame.ts),
// a DATA frame's payload goes to onData as a range of the chunk, and what we owe in return waits
// for the chunk's end (outbound.ts).
import type * as net from 'node:net';
import {
  ACK, CANCEL, CONTINUATION, DATA, DEFAULT_MAX_FRAME, DEFAULT_WINDOW, END_STREAM, errorName, FLOW_CONTROL_ERROR,
  FRAME_SIZE_ERROR, FrameSplitter, GOAWAY, goawayFrame, H2Error, HEADERS, headersFrames, MAX_WINDOW, NO_ERROR, PADDED,
  padLength, PING, pingAckFrame, PREFACE, PRIORITY, PROTOCOL_ERROR, PUSH_PROMISE, RST_STREAM, rstStreamFrame, SETTINGS,
  SETTINGS_ACK_FRAME, SETTINGS_ENABLE_PUSH, SETTINGS_INITIAL_WINDOW_SIZE, SETTINGS_MAX_FRAME_SIZE,
  SETTINGS_MAX_HEADER_LIST_SIZE, settingsFrame, STREAM_CLOSED, WINDOW_UPDATE, windowUpdateFrame,
} from './frame.js';
import { type Done, RecvWindow } from './flow-control.js';
import { type HeaderBlock, HeaderBlocks } from './header-block.js';
import { encodeHeaders, HpackDecoder } from './hpack.js';
import { Outbound } from './outbound.js';

const STREAM = 1;
/** our receive window, stream and connection: large, so that WINDOW_UPDATE is rare (flow-control.ts) */
const RECV_WINDOW = 1 << 20;
/** the header list we accept (name + value + 32 a field), node:http2's default */
const MAX_HEADER_LIST = 65535;
/** after close(), how long the socket may take to flush before it is destroyed */
const CLOSE_FLUSH_MS = 2000;

export interface StreamHandlers {
  /** a header block of the stream: the response headers, or the trailers (`endStream`) */
  onHeaders(fields: string[], endStream: boolean): void;
  /** DATA bytes of the stream, buf[start, end); the buffer may be reused after the call */
  onData(buf: Buffer, start: number, end: number): void;
  /** once: the stream is over (its END_STREAM, a reset, GOAWAY, an error or the socket closing) */
  onEnd(why: string): void;
}

export interface ConnectionOptions {
  /** our receive window for the stream (default 1 MiB; tests use less); the connection's is at least 65,535 */
  window?: number;
}

export class H2Connection {
  private readonly splitter = new FrameSplitter(DEFAULT_MAX_FRAME);
  /** the server's header blocks; `blocks.decoder` is readable for the tests (its table state) */
  readonly blocks = new HeaderBlocks(new HpackDecoder(4096, MAX_HEADER_LIST));
  private readonly output: Outbound;
  private readonly recv: RecvWindow;
  private closed = false;
  private ended = false;
  private gotResponse = false;
  private remoteEnded = false;
  /** PINGs answered (for the tests) */
  pings = 0;

  /** `headers`: the request's, as [name, value] (pseudo-headers first) */
  constructor(private readonly socket: net.Socket, headers: readonly (readonly [string, string])[],
    private readonly h: StreamHandlers, opts: ConnectionOptions = {}) {
    const window = opts.window ?? RECV_WINDOW;
    const connWindow = Math.max(window, DEFAULT_WINDOW);
    this.recv = new RecvWindow(window, connWindow, STREAM);
    const first = [PREFACE, settingsFrame([
      [SETTINGS_ENABLE_PUSH, 0], [SETTINGS_INITIAL_WINDOW_SIZE, window], [SETTINGS_MAX_HEADER_LIST_SIZE, MAX_HEADER_LIST],
    ])];
    // the connection window starts at 65,535 whatever SETTINGS say: only WINDOW_UPDATE moves it
    if (connWindow > DEFAULT_WINDOW) first.push(windowUpdateFrame(0, connWindow - DEFAULT_WINDOW));
    first.push(headersFrames(STREAM, encodeHeaders(headers), DEFAULT_MAX_FRAME, false));
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (e) => this.fail(e.message));
    socket.on('close', () => this.fail('connection closed'));
    this.output = new Outbound(socket, STREAM, first);
  }

  /**
   * Sends one gRPC message (the 5-byte prefix is added here) as DATA. `done(true)` once it was
   * handed to the socket (at once, or when the server's flow-control windows let it go),
   * `done(false)` if the stream is over or was ended by us first.
   */
  send(msg: Buffer, done?: Done): void {
    if (this.closed) {
      if (done) process.nextTick(done, false);
      return;
    }
    this.output.send(msg, done);
  }

  /** Half-closes the stream: END_STREAM goes out after what is queued. */
  end(): void {
    if (!this.closed) this.output.end();
  }

  /** Closes the connection (see shut). onEnd is not called: the owner is the one closing. */
  close(): void {
    this.ended = true;
    this.shut(NO_ERROR, '');
  }

  /**
   * RST_STREAM if the stream is still open (CANCEL: we abandon it; NO_ERROR: the server had
   * finished; none on a connection error, which GOAWAY covers), GOAWAY(code), and the socket
   * closed once that is written.
   */
  private shut(code: number, debug: string): void {
    if (this.closed) return;
    this.closed = true;
    this.output.abandon();
    const s = this.socket;
    if (!this.output.connected || s.destroyed) {
      s.destroy();
      return;
    }
    if (code === NO_ERROR && (!this.remoteEnded || !this.output.sendq.ended)) {
      this.output.push(rstStreamFrame(STREAM, this.remoteEnded ? NO_ERROR : CANCEL));
    }
    this.output.push(goawayFrame(0, code, debug));
    this.output.held = false;
    this.output.flush();
    s.destroySoon();
    setTimeout(() => s.destroy(), CLOSE_FLUSH_MS).unref();
  }

  private read(chunk: Buffer): void {
    if (this.closed) return;
    this.output.held = true;
    try {
      this.splitter.push(chunk, this);
    } catch (e) {
      // a connection error: GOAWAY with its code (and the text, for whoever reads the server's logs)
      const err = e instanceof H2Error ? e : new H2Error(PROTOCOL_ERROR, (e as Error).message);
      this.shut(err.code, err.message);
      this.streamOver(err.message);
      return;
    }
    this.output.held = false;
    this.output.flush();
  }

  /** FrameSink: one complete frame, its payload buf[start, end) */
  frame(type: number, flags: number, stream: number, buf: Buffer, start: number, end: number): void {
    if (this.closed) return;
    if (this.blocks.open && type !== CONTINUATION) throw new H2Error(PROTOCOL_ERROR, `a frame of type ${type} inside a header block (CONTINUATION expected)`);
    const len = end - start;
    switch (type) {
      case DATA:
        return this.data(flags, stream, buf, start, end);
      case HEADERS:
        this.onStream(stream, 'HEADERS');
        return this.headerBlock(this.blocks.headers(flags, buf, start, end));
      case CONTINUATION:
        this.onStream(stream, 'CONTINUATION');
        return this.headerBlock(this.blocks.continuation(flags, buf, start, end));
      case RST_STREAM:
        this.expect(stream !== 0, len === 4, 'RST_STREAM');
        if (stream === STREAM) this.streamOver(`the server reset the stream (${errorName(buf.readUInt32BE(start))})`);
        return;
      case SETTINGS:
        return this.settings(flags, stream, buf, start, end);
      case PING:
        this.expect(stream === 0, len === 8, 'PING');
        if (!(flags & ACK)) {
          this.pings++;
          this.output.push(pingAckFrame(buf, start));
        }
        return;
      case GOAWAY:
        return this.goaway(stream, buf, start, end);
      case WINDOW_UPDATE:
        return this.windowUpdate(stream, buf, start, end);
      case PRIORITY:
        this.expect(stream !== 0, len === 5, 'PRIORITY');
        return;
      case PUSH_PROMISE:
        throw new H2Error(PROTOCOL_ERROR, 'PUSH_PROMISE, and push is off');
      default:
        return; // unknown frame types are ignored (RFC 9113 section 4.1)
    }
  }

  private expect(streamOk: boolean, lengthOk: boolean, what: string): void {
    if (!streamOk) throw new H2Error(PROTOCOL_ERROR, `${what} on the wrong stream`);
    if (!lengthOk) throw new H2Error(FRAME_SIZE_ERROR, `${what} with a payload of the wrong length`);
  }

  /** a frame of our stream: on another id, or after the stream's end, it is an error */
  private onStream(stream: number, what: string): void {
    if (stream !== STREAM) throw new H2Error(PROTOCOL_ERROR, `${what} on stream ${stream}`);
    if (this.remoteEnded) throw new H2Error(STREAM_CLOSED, `${what} after the end of the stream`);
  }

  private data(flags: number, stream: number, buf: Buffer, start: number, end: number): void {
    this.onStream(stream, 'DATA');
    if (!this.gotResponse) throw new H2Error(PROTOCOL_ERROR, 'DATA before the response headers');
    this.recv.consume(end - start, (flags & END_STREAM) !== 0, this.output);
    if (flags & PADDED) end -= padLength(buf, start++, end);
    if (end > start) this.h.onData(buf, start, end);
    if (flags & END_STREAM) this.streamOver('stream ended', true);
  }

  private headerBlock(b: HeaderBlock | null): void {
    if (!b) return; // CONTINUATION frames are to follow
    if (!this.gotResponse) {
      // an informational (1xx) response comes before the real one and is not passed on
      const i = b.fields.indexOf(':status');
      if (!b.endStream && i >= 0 && i % 2 === 0 && /^1\d\d$/.test(b.fields[i + 1]!)) return;
      this.gotResponse = true;
    } else if (!b.endStream) {
      throw new H2Error(PROTOCOL_ERROR, 'a second header block without END_STREAM (trailers must end the stream)');
    }
    this.h.onHeaders(b.fields, b.endStream);
    if (b.endStream) this.streamOver('stream ended', true);
  }

  private settings(flags: number, stream: number, buf: Buffer, start: number, end: number): void {
    this.expect(stream === 0, flags & ACK ? end === start : (end - start) % 6 === 0, 'SETTINGS');
    if (flags & ACK) return;
    const q = this.output.sendq;
    for (let p = start; p < end; p += 6) {
      const id = buf.readUInt16BE(p);
      const v = buf.readUInt32BE(p + 2);
      if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
        if (v > MAX_WINDOW) throw new H2Error(FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${v} is over 2^31-1`);
        q.setInitialWindow(v);
      } else if (id === SETTINGS_MAX_FRAME_SIZE) {
        if (v < DEFAULT_MAX_FRAME || v > 0xffffff) throw new H2Error(PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${v} is out of range`);
        q.maxFrame = v;
      }
      // HEADER_TABLE_SIZE concerns an encoder with a dynamic table (ours has none); the rest, servers
    }
    this.output.push(SETTINGS_ACK_FRAME);
    this.output.drain();
  }

  private windowUpdate(stream: number, buf: Buffer, start: number, end: number): void {
    this.expect(true, end - start === 4, 'WINDOW_UPDATE');
    const inc = buf.readUInt32BE(start) & 0x7fffffff;
    if (inc === 0) throw new H2Error(PROTOCOL_ERROR, `WINDOW_UPDATE of 0 on stream ${stream}`);
    const q = this.output.sendq;
    if (stream === 0) q.connWindow += inc;
    else if (stream === STREAM) q.streamWindow += inc;
    if (q.connWindow > MAX_WINDOW || q.streamWindow > MAX_WINDOW) {
      throw new H2Error(FLOW_CONTROL_ERROR, `WINDOW_UPDATE takes the window of stream ${stream} over 2^31-1`);
    }
    this.output.drain();
  }

  private goaway(stream: number, buf: Buffer, start: number, end: number): void {
    this.expect(stream === 0, end - start >= 8, 'GOAWAY');
    const last = buf.readUInt32BE(start) & 0x7fffffff;
    const code = buf.readUInt32BE(start + 4);
    // a graceful GOAWAY that covers our stream lets it finish; anything else ends it now
    if (code === NO_ERROR && last >= STREAM) return;
    const debug = buf.toString('latin1', start + 8, end);
    this.streamOver(`the server closed the connection (GOAWAY ${errorName(code)}${debug ? `: ${debug}` : ''})`);
  }

  private streamOver(why: string, remoteEnded = false): void {
    if (remoteEnded) this.remoteEnded = true;
    if (this.ended) return;
    this.ended = true;
    this.h.onEnd(why);
  }

  /** the socket failed or closed: the stream is over, whatever state it was in */
  private fail(why: string): void {
    if (!this.closed) {
      this.closed = true;
      this.output.abandon();
    }
    this.streamOver(why);
  }
}
