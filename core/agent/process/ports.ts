// Ports for tcp channel binds, from the agent's range. Each agent starts scanning at an offset
// derived from its name so that several agents on one machine rarely probe the same ports, and a
// port is only handed out after a test bind shows nobody else holds it.
import * as net from 'node:net';
import { createHash } from 'node:crypto';
import { BatonError } from '../../model/errors.js';

export function probePort(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export class PortAllocator {
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(
    readonly min: number,
    readonly max: number,
    seed = '',
  ) {
    const size = max - min + 1;
    const h = seed ? createHash('sha1').update(seed).digest().readUInt32BE(0) : 0;
    this.cursor = min + (h % size);
  }

  get size(): number {
    return this.max - this.min + 1;
  }

  inUse(): number {
    return this.used.size;
  }

  private next(): number | null {
    if (this.used.size >= this.size) return null;
    for (let i = 0; i < this.size; i++) {
      const p = this.cursor;
      this.cursor = p >= this.max ? this.min : p + 1;
      if (!this.used.has(p)) return p;
    }
    return null;
  }

  /** A free port (probed unless probe is false: the sim driver binds nothing). */
  async allocate(probe = true): Promise<number> {
    for (let tries = 0; tries < this.size; tries++) {
      const p = this.next();
      if (p === null) break;
      this.used.add(p);
      if (!probe || (await probePort(p))) return p;
      this.used.delete(p);
    }
    throw new BatonError('PLACEMENT', `no free port left in the agent's range ${this.min}-${this.max}`);
  }

  /** `port` when it is in the range, not held and free (a relaunched task keeps its address), else any free port. */
  async allocatePreferred(port: number, probe = true): Promise<number> {
    if (port >= this.min && port <= this.max && !this.used.has(port)) {
      this.used.add(port);
      if (!probe || (await probePort(port))) return port;
      this.used.delete(port);
    }
    return this.allocate(probe);
  }

  /** A port already held by an adopted task. */
  reserve(port: number): void {
    if (port >= this.min && port <= this.max) this.used.add(port);
  }

  release(port: number): void {
    this.used.delete(port);
  }
}
