// Faults of one environment run side by side; a controller kill stops the world. A shared/
// exclusive lock that prefers the exclusive side (no loop can starve the controller fault).
export class FaultLock {
  private readers = 0;
  private writer = false;
  private waitingWriters = 0;
  private queue: (() => void)[] = [];

  private wake(): void {
    const q = this.queue;
    this.queue = [];
    for (const f of q) f();
  }

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer || this.waitingWriters > 0) await new Promise<void>((r) => this.queue.push(r));
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.wake();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.waitingWriters++;
    while (this.writer || this.readers > 0) await new Promise<void>((r) => this.queue.push(r));
    this.waitingWriters--;
    this.writer = true;
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.wake();
    }
  }
}
