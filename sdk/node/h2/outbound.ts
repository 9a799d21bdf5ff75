// What the connection writes, in as few socket writes as it can: everything before the socket
// connects goes out in one write (preface, SETTINGS, HEADERS, the hello); control frames owed
// while a chunk is read (SETTINGS ACK, PING ACK, WINDOW_UPDATE) wait for the chunk's end, and
// go with any message sent meanwhile; a message that fits the server's windows is one buffer
// (frame header, gRPC prefix, message) and one write; one that does not waits in the SendQueue.
import type * as net from 'node:net';
import { DATA, END_STREAM, HEADER_BYTES, writeFrameHeader } from './frame.js';
import { type Done, SendQueue } from './flow-control.js';

export class Outbound {
  readonly sendq: SendQueue;
  /** while true (a chunk is being read), writes wait for flush() */
  held = false;
  private out: Buffer[];
  private ready = false;
  /** `done` of messages sent before the socket connected: answered when it does, or fails */
  private early: Done[] = [];

  /** `first`: what opens the connection (preface, SETTINGS, ...) */
  constructor(private readonly socket: net.Socket, private readonly stream: number, first: Buffer[]) {
    this.sendq = new SendQueue(stream);
    this.out = first;
    if (socket.connecting) {
      socket.once('connect', () => {
        this.ready = true;
        this.flush();
        this.answerEarly(true);
      });
    } else {
      this.ready = !socket.destroyed;
      this.flush();
    }
  }

  /** the socket connected (so what was written reached it) */
  get connected(): boolean {
    return this.ready;
  }

  /** a frame for the next write (control frames; flush() or the next message takes it out) */
  push(frame: Buffer): void {
    this.out.push(frame);
  }

  /** one gRPC message as DATA (see H2Connection.send) */
  send(msg: Buffer, done: Done | undefined): void {
    if (this.sendq.ending) {
      if (done) process.nextTick(done, false);
      return;
    }
    const len = msg.length + 5;
    if (!this.sendq.fits(len)) {
      this.sendq.push(grpcFrame(msg), done);
      this.drain();
      return;
    }
    // the hot path: header, prefix and message in one buffer
    const f = Buffer.allocUnsafe(HEADER_BYTES + len);
    writeFrameHeader(f, 0, len, DATA, 0, this.stream);
    writeGrpcMessage(f, HEADER_BYTES, msg);
    this.sendq.spend(len);
    this.out.push(f);
    this.flush();
    if (done) this.answer(done);
  }

  /** END_STREAM after what is queued */
  end(): void {
    if (this.sendq.ending) return;
    this.sendq.ending = true;
    this.drain();
  }

  /** sends what the windows let go now (after WINDOW_UPDATE, SETTINGS), then END_STREAM if due */
  drain(): void {
    const sent = this.sendq.take(this.out);
    if (this.sendq.ending && !this.sendq.ended && this.sendq.empty) {
      const f = Buffer.allocUnsafe(HEADER_BYTES);
      writeFrameHeader(f, 0, 0, DATA, END_STREAM, this.stream);
      this.out.push(f);
      this.sendq.ended = true;
    }
    this.flush();
    for (const d of sent) this.answer(d);
  }

  flush(): void {
    if (this.held || !this.ready || !this.out.length) return;
    const b = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out);
    this.out = [];
    if (!this.socket.destroyed) this.socket.write(b);
  }

  /** the connection is over: every message not yet handed to the socket is answered false */
  abandon(): void {
    this.answerEarly(false);
    for (const d of this.sendq.abandon()) process.nextTick(d, false);
  }

  private answer(done: Done): void {
    if (this.ready) process.nextTick(done, true);
    else this.early.push(done);
  }

  private answerEarly(ok: boolean): void {
    for (const d of this.early) process.nextTick(d, ok);
    this.early = [];
  }
}

/** the gRPC length prefix (flag byte 0: not compressed; 4-byte big-endian length) and msg, at buf[off] */
function writeGrpcMessage(buf: Buffer, off: number, msg: Buffer): void {
  buf[off] = 0;
  buf.writeUInt32BE(msg.length, off + 1);
  msg.copy(buf, off + 5);
}

/** one gRPC message as it goes on the wire: the 5-byte prefix, then the message */
export function grpcFrame(msg: Buffer): Buffer {
  const f = Buffer.allocUnsafe(5 + msg.length);
  writeGrpcMessage(f, 0, msg);
  return f;
}
