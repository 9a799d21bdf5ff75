// HTTP/2 flow control (RFC 9113 sections 6.9 and 6.5.2), both ways.
// Out: the server's windows for the connection and for our stream, its SETTINGS_MAX_FRAME_SIZE,
// and the messages waiting for room. A message that fits goes out at once without touching the
// queue (outbound.ts); one that does not (a window used up, or a message over the frame size)
// waits here and leaves in pieces as WINDOW_UPDATE and SETTINGS frames open the windows.
// In: our windows. What arrives is consumed at once, so it is given back when half a window is
// used: with the SDK's 1 MiB windows that is one WINDOW_UPDATE pair per 512 KiB read, which is why
// the hot path (small messages) never pays for one.
import { DATA, DEFAULT_MAX_FRAME, DEFAULT_WINDOW, FLOW_CONTROL_ERROR, H2Error, HEADER_BYTES, windowUpdateFrame, writeFrameHeader } from './frame.js';

export type Done = (ok: boolean) => void;

interface Outgoing {
  /** the DATA payload (gRPC prefix and message) */
  data: Buffer;
  done: Done | undefined;
}

export class SendQueue {
  /** what the server lets us send, on the connection and on the stream; the stream's may go negative (6.9.2) */
  connWindow = DEFAULT_WINDOW;
  streamWindow = DEFAULT_WINDOW;
  maxFrame = DEFAULT_MAX_FRAME;
  /** end() was called: END_STREAM is due once the queue is empty */
  ending = false;
  /** END_STREAM was sent */
  ended = false;
  private initialWindow = DEFAULT_WINDOW;
  private readonly items: Outgoing[] = [];
  /** how much of items[0] has been sent */
  private head = 0;

  constructor(private readonly stream: number) {}

  get empty(): boolean {
    return this.items.length === 0;
  }

  /** true when `len` payload bytes may go out now as one frame, with nothing queued ahead of them */
  fits(len: number): boolean {
    return this.items.length === 0 && len <= this.maxFrame && len <= this.connWindow && len <= this.streamWindow;
  }

  spend(len: number): void {
    this.connWindow -= len;
    this.streamWindow -= len;
  }

  /** SETTINGS_INITIAL_WINDOW_SIZE changes the stream's window by the difference */
  setInitialWindow(v: number): void {
    this.streamWindow += v - this.initialWindow;
    this.initialWindow = v;
  }

  push(data: Buffer, done: Done | undefined): void {
    this.items.push({ data, done });
  }

  /**
   * Appends to `out` the DATA frames the windows allow now (each a 9-byte header and a piece of a
   * message, not copied) and returns the `done` of every message that is now all sent.
   */
  take(out: Buffer[]): Done[] {
    const sent: Done[] = [];
    while (this.items.length) {
      const room = Math.min(this.connWindow, this.streamWindow, this.maxFrame);
      if (room <= 0) break;
      const item = this.items[0]!;
      const n = Math.min(item.data.length - this.head, room);
      const h = Buffer.allocUnsafe(HEADER_BYTES);
      writeFrameHeader(h, 0, n, DATA, 0, this.stream);
      out.push(h, item.data.subarray(this.head, this.head + n));
      this.spend(n);
      this.head += n;
      if (this.head === item.data.length) {
        this.items.shift();
        this.head = 0;
        if (item.done) sent.push(item.done);
      }
    }
    return sent;
  }

  /** empties the queue (the stream is over) and returns the `done` of every message that did not go */
  abandon(): Done[] {
    const lost = this.items.flatMap((i) => (i.done ? [i.done] : []));
    this.items.length = 0;
    this.head = 0;
    return lost;
  }
}

export class RecvWindow {
  private conn: number;
  private stream: number;

  /** `streamSize`: our SETTINGS_INITIAL_WINDOW_SIZE; `connSize`: the connection's (never below 65,535) */
  constructor(private readonly streamSize: number, private readonly connSize: number, private readonly streamId: number) {
    this.conn = connSize;
    this.stream = streamSize;
  }

  /**
   * Counts a DATA frame of `len` bytes (padding too) and, unless the stream has ended with it,
   * pushes the WINDOW_UPDATEs that are due to `out`. Throws FLOW_CONTROL_ERROR past a window.
   */
  consume(len: number, streamEnded: boolean, out: { push(frame: Buffer): void }): void {
    if (len > this.conn || len > this.stream) {
      throw new H2Error(FLOW_CONTROL_ERROR, `${len} bytes of DATA with ${Math.min(this.conn, this.stream)} left in the window`);
    }
    this.conn -= len;
    this.stream -= len;
    if (streamEnded) return;
    if (this.conn <= this.connSize >> 1) {
      out.push(windowUpdateFrame(0, this.connSize - this.conn));
      this.conn = this.connSize;
    }
    if (this.stream <= this.streamSize >> 1) {
      out.push(windowUpdateFrame(this.streamId, this.streamSize - this.stream));
      this.stream = this.streamSize;
    }
  }
}
