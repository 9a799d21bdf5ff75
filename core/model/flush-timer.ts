// When a write-behind batch leaves: a trickle waits a short delay to share one write, a burst (many
// items said in one turn of the loop, as when 1,000 exits are handled together) leaves at the end
// of that turn, so that it is on its way while the next slice is being handled. The agent's outbox,
// the controller's event bus and its task-row writer batch this way.

export class FlushTimer {
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private stopped = false;

  /** `unref`: a pending delay does not keep the process alive */
  constructor(
    private readonly delayMs: number,
    private readonly run: () => void,
    private readonly unref = true,
  ) {}

  /** runs after the delay (once, however often asked meanwhile) */
  later(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, this.delayMs);
    if (this.unref) this.timer.unref();
  }

  /** runs at the end of this turn of the loop */
  soon(): void {
    if (this.immediate || this.stopped) return;
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.run();
    });
  }

  /** forgets what is due (the owner has just written everything itself) */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
  }

  /** forgets what is due and runs nothing more (the owner is closed) */
  stop(): void {
    this.cancel();
    this.stopped = true;
  }
}
