// Simple real data channels for task programs: a channel binds an address (tcp://host:port or
// unix:///path) and/or connects to others; frames are length-prefixed. send() goes round-robin to
// one peer (push) or to every peer (pub); onMessage() receives from any peer. Messages and bytes
// are counted per channel and reported to the agent every second by the SDK.
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { ChannelCounter } from './gen/common.js';
import { FrameReader, frameHeader } from './frames.js';

const HIGH_WATER = 8 * 1024 * 1024;
const RECONNECT_MS = 300;

export type Endpoint = { path: string } | { host: string; port: number };

export function parseEndpoint(addr: string): Endpoint {
  if (addr.startsWith('unix://')) {
    const p = addr.slice('unix://'.length);
    if (!p.startsWith('/')) throw new Error(`channel address ${addr}: a unix path must be absolute`);
    return { path: p };
  }
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(addr);
  if (!m) throw new Error(`channel address ${addr}: expected tcp://host:port or unix:///path`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export class Channel {
  messagesIn = 0;
  bytesIn = 0;
  messagesOut = 0;
  bytesOut = 0;
  dropped = 0;
  private readonly sockets = new Set<net.Socket>();
  private ring: net.Socket[] = [];
  private rr = 0;
  private readonly servers: net.Server[] = [];
  private readonly handlers: Array<(msg: Buffer) => void> = [];
  private closed = false;
  private timers = new Set<NodeJS.Timeout>();
  private last = { at: Date.now(), messages: 0, bytes: 0 };

  constructor(
    readonly name: string,
    readonly type: string = 'push',
  ) {}

  /** Listens on the address; peers that connect become part of the channel. */
  bind(address: string): Promise<void> {
    const ep = parseEndpoint(address);
    if ('path' in ep) {
      try {
        fs.unlinkSync(ep.path);
      } catch {
        /* none */
      }
    }
    const server = net.createServer((s) => this.adopt(s));
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen('path' in ep ? { path: ep.path } : { host: ep.host, port: ep.port }, () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve();
      });
    });
  }

  /** Connects to every address, and reconnects while the channel is open. */
  connect(addresses: string[]): void {
    for (const a of addresses) {
      if (a.trim()) this.dial(parseEndpoint(a.trim()));
    }
  }

  private dial(ep: Endpoint): void {
    if (this.closed) return;
    const s = net.connect('path' in ep ? { path: ep.path } : { host: ep.host, port: ep.port });
    let up = false;
    s.once('connect', () => {
      up = true;
      this.adopt(s);
    });
    s.once('close', () => {
      if (!up) s.destroy();
      if (this.closed) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.dial(ep);
      }, RECONNECT_MS);
      this.timers.add(t);
    });
    s.on('error', () => {});
  }

  private adopt(s: net.Socket): void {
    if (this.closed) return void s.destroy();
    s.setNoDelay(true);
    this.sockets.add(s);
    this.ring = [...this.sockets];
    const reader = new FrameReader();
    s.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch {
        return void s.destroy();
      }
      for (const f of frames) {
        this.messagesIn++;
        this.bytesIn += f.length;
        for (const h of this.handlers) h(f);
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      this.sockets.delete(s);
      this.ring = [...this.sockets];
    });
  }

  /** Number of connected peers. */
  peers(): number {
    return this.sockets.size;
  }

  onMessage(cb: (msg: Buffer) => void): void {
    this.handlers.push(cb);
  }

  private write(s: net.Socket, msg: Buffer): void {
    s.cork();
    s.write(frameHeader(msg.length));
    s.write(msg);
    s.uncork();
    this.messagesOut++;
    this.bytesOut += msg.length;
  }

  /** Sends one frame (push: to the next peer that keeps up; pub: to all). false: dropped. */
  send(msg: Buffer): boolean {
    const ring = this.ring;
    if (!ring.length) {
      this.dropped++;
      return false;
    }
    if (this.type === 'pub') {
      let sent = false;
      for (const s of ring) {
        if (s.writableLength < HIGH_WATER) {
          this.write(s, msg);
          sent = true;
        }
      }
      if (!sent) this.dropped++;
      return sent;
    }
    for (let i = 0; i < ring.length; i++) {
      const s = ring[(this.rr + i) % ring.length]!;
      if (s.writableLength < HIGH_WATER) {
        this.rr = (this.rr + i + 1) % ring.length;
        this.write(s, msg);
        return true;
      }
    }
    this.dropped++;
    return false;
  }

  /** Counters with rates since the previous call. */
  counter(): ChannelCounter {
    const now = Date.now();
    const messages = this.messagesIn + this.messagesOut;
    const bytes = this.bytesIn + this.bytesOut;
    const dt = (now - this.last.at) / 1000;
    const c: ChannelCounter = {
      channel: this.name,
      messages,
      bytes,
      msgRate: dt > 0 ? (messages - this.last.messages) / dt : 0,
      byteRate: dt > 0 ? (bytes - this.last.bytes) / dt : 0,
    };
    this.last = { at: now, messages, bytes };
    return c;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    for (const srv of this.servers) srv.close();
    this.sockets.clear();
    this.ring = [];
  }
}
