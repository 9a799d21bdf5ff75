// The agent's journal of its tasks' logs: when each line was written, and markers (start, exit,
// crash, adopt, transition) at their place in the log, kept in the side index (index-file.ts).
// A task writes its log itself (its stdout is the file), so the agent learns of new bytes from
// inotify (fs.watch on the file): the first change after a quiet spell is stamped at once, and
// the watch is closed until the next tick (TICK_MS), which stats the file, writes the time marks
// and watches again. So an idle task's line gets the time it was written, and a chatty task costs
// one stat per tick, not one callback per write. A file that cannot be watched (inotify limit)
// is polled every tick. Precision: docs/logs.md.
import * as fs from 'node:fs';
import { baseLine, indexPath, markerLine, readIndexIfAny, timeLine, type MarkerKind } from './index-file.js';

export const TICK_MS = 100;
/** exited logs closed per tick (exited, expected) */
const CLOSES_PER_TICK = 200;
/**
 * Ticks the closes of expected exits may wait for the exits to stop coming. Closing (an index
 * write and a watch closed per log) while 1,000 killed tasks were still being answered took the
 * agent's loop from the answers; the exit markers are written a tick after the last exit instead,
 * or after this many ticks (1 s) when exits keep coming.
 */
const MAX_HELD_TICKS = 10;

interface Watched {
  logPath: string;
  base: number;
  /** the log's size when last looked at: new bytes start here */
  known: number;
  /** when the first change since the last tick was seen (0: none) */
  firstSeen: number;
  watcher: fs.FSWatcher | null;
  /** no inotify watch could be had: polled every tick */
  polled: boolean;
  /** index lines not written yet */
  pending: string;
  /** the task is being terminated: until then its index lines wait for its exit marker (0: not) */
  holdUntil: number;
}

/** 0 for a file that is not there: a new task's log and its rotated part usually are not, and
 *  a thrown ENOENT (an Error with its stack, per task started) cost more than the stat itself */
function sizeOf(file: string): number {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

export class LogJournal {
  private readonly files = new Map<string, Watched>();
  private timer: NodeJS.Timeout | null = null;
  /** expected exits seen since the last tick: their closes wait for a tick without any */
  private exitsSinceTick = 0;
  private heldTicks = 0;

  constructor(private readonly tickMs = TICK_MS) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** The size of a log before its task is spawned: where the task's first line will be. */
  sizeBeforeStart(logPath: string): number {
    return sizeOf(logPath);
  }

  /**
   * A task was spawned writing to `logPath` from byte `from` on. Its start marker goes to the
   * index at once, in the write that creates a new log's index: creating the index and then
   * appending the marker a tick later cost every started task two writes and a stat of its log
   * that told nothing yet (its first bytes are timed on the next tick, as firstSeen says).
   */
  started(logPath: string, from: number, pid: number): void {
    const now = Date.now();
    const w = this.watch(logPath, from, markerLine({ offset: from, timeMs: now, kind: 'start', text: `started, pid ${pid}` }));
    w.firstSeen = now; // its first lines come with its start
  }

  /** A running task taken over from a predecessor agent (agent restart). */
  adopted(logPath: string, pid: number): void {
    const size = sizeOf(logPath);
    this.watch(logPath, size);
    this.mark(
      logPath,
      'adopt',
      `agent restarted, task adopted (pid ${pid}); lines written while no agent watched carry the time of the mark before them`,
      size,
    );
    this.pendingTime(this.files.get(logPath)!, size, Date.now());
  }

  /**
   * A marker for a task that is being terminated (an EXIT of a basic task): written with its exit
   * marker, in one write, rather than on the next tick. An EXIT of 1,000 basic tasks wrote 1,000
   * index files on the tick after it was signalled, while the exits were being answered, and
   * 1,000 more for the exit markers. Waits MAX_HELD_TICKS at most (a task that outlives its kill).
   */
  markEnding(logPath: string, kind: MarkerKind, text: string): void {
    this.mark(logPath, kind, text);
    const w = this.files.get(logPath);
    if (w) w.holdUntil = Date.now() + MAX_HELD_TICKS * this.tickMs;
  }

  /** A marker at the log's current end. */
  mark(logPath: string, kind: MarkerKind, text: string, at?: number): void {
    const w = this.files.get(logPath);
    if (w) this.catchUp(w);
    const offset = at ?? (w ? w.known : sizeOf(logPath));
    const line = markerLine({ offset, timeMs: Date.now(), kind, text });
    if (w) w.pending += line;
    else appendQuietly(indexPath(logPath), line);
  }

  /**
   * The task has exited: a last look at its log, its exit marker, and no more watching. An exit
   * the agent caused (`expected`: it killed the task, or the task left for an EXIT) is closed on
   * the first tick after such exits stop coming (MAX_HELD_TICKS at most), CLOSES_PER_TICK a tick:
   * when 1,000 tasks are killed together, writing 1,000 index files and closing 1,000 watches as
   * the exits came held the agent's loop before the EXIT answers (docs/performance.md, "Round 3
   * of the teardown" and "Round 4"). A crash is written at once: someone may read why right away.
   */
  exited(logPath: string, kind: MarkerKind, text: string, expected = false): void {
    const w = this.files.get(logPath);
    this.mark(logPath, kind, text);
    if (!w) return;
    if (expected) {
      this.closing.add(w);
      this.exitsSinceTick++;
      return;
    }
    this.close(w);
  }

  /** exited files whose index write and watch close wait for a tick */
  private readonly closing = new Set<Watched>();

  private close(w: Watched): void {
    this.closing.delete(w);
    this.flush(w);
    w.watcher?.close();
    w.watcher = null;
    if (this.files.get(w.logPath) === w) this.files.delete(w.logPath);
  }

  private rotating = false;

  /**
   * One rotation pass over these logs; a pass that outlasts the caller's period is not stacked.
   * Only logs the journal last saw over the cap are looked at (each tick stats the logs that
   * changed, so a log's known size is at most a tick old): a stat of every log every second
   * cost an agent of 1,000 quiet tasks 1,000 stats a second, while it launched them too.
   */
  rotatePass(logPaths: readonly string[], maxBytes: number): void {
    if (this.rotating) return;
    const big = logPaths.filter((p) => (this.files.get(p)?.known ?? 0) > maxBytes);
    if (!big.length) return;
    this.rotating = true;
    void (async () => {
      for (const p of big) await this.rotateIfBig(p, maxBytes);
    })().finally(() => {
      this.rotating = false;
    });
  }

  /** Rotation by copy-then-truncate (the task keeps its O_APPEND descriptor); true when done. */
  async rotateIfBig(logPath: string, maxBytes: number): Promise<boolean> {
    const w = this.files.get(logPath);
    let size: number;
    try {
      size = (await fs.promises.stat(logPath)).size;
    } catch {
      return false;
    }
    if (size <= maxBytes || !w) return false;
    try {
      this.catchUp(w);
      this.flush(w);
      await fs.promises.copyFile(logPath, `${logPath}.1`);
      const copied = (await fs.promises.stat(`${logPath}.1`)).size;
      await fs.promises.truncate(logPath, 0);
      // the bytes written between copy and truncate are lost (as with logrotate's copytruncate)
      await fs.promises.rename(indexPath(logPath), indexPath(`${logPath}.1`)).catch(() => {});
      w.base += copied;
      w.known = 0;
      w.firstSeen = 0;
      fs.writeFileSync(indexPath(logPath), baseLine(w.base) + timeLine(0, Date.now()), { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closing.clear(); // flushed and closed below, with every other file
    for (const w of this.files.values()) {
      this.catchUp(w);
      this.flush(w);
      w.watcher?.close();
    }
    this.files.clear();
  }

  /** Watches a log from byte `from` on; `firstLines` (index lines) are written with its index's first write. */
  private watch(logPath: string, from: number, firstLines = ''): Watched {
    let w = this.files.get(logPath);
    if (w && this.closing.has(w)) {
      // the same log, relaunched (RECOVER) before its last exit was closed: close that one first
      this.close(w);
      w = undefined;
    }
    if (w) {
      w.known = from;
      w.pending += firstLines;
      return w;
    }
    const idx = readIndexIfAny(logPath);
    // a log without an index (new, or from an older agent): its positions follow the rotated part
    const base = idx ? idx.base : sizeOf(`${logPath}.1`);
    const text = idx ? firstLines : baseLine(base) + firstLines;
    if (text) appendQuietly(indexPath(logPath), text);
    w = { logPath, base, known: from, firstSeen: 0, watcher: null, polled: false, pending: '', holdUntil: 0 };
    this.files.set(logPath, w);
    this.rewatch(w);
    return w;
  }

  private rewatch(w: Watched): void {
    if (w.watcher || w.polled) return;
    try {
      w.watcher = fs.watch(w.logPath, { persistent: false }, () => this.changed(w));
      w.watcher.on('error', () => {
        w.watcher?.close();
        w.watcher = null;
      });
    } catch {
      w.polled = true; // out of inotify watches (or no inotify): looked at every tick
    }
  }

  private changed(w: Watched): void {
    if (!w.firstSeen) w.firstSeen = Date.now();
    // no more events until the tick: a chatty task would otherwise call us for every write
    w.watcher?.close();
    w.watcher = null;
  }

  private pendingTime(w: Watched, offset: number, ms: number): void {
    w.pending += timeLine(offset, ms);
  }

  /** New bytes since the last look get the time their first change was seen. */
  private catchUp(w: Watched): void {
    if (!w.firstSeen && !w.polled && w.watcher) return;
    this.rewatch(w); // watch before the stat: a write after the stat is not missed
    const size = sizeOf(w.logPath);
    if (size > w.known) {
      this.pendingTime(w, w.known, w.firstSeen || Date.now());
      w.known = size;
    } else if (size < w.known) {
      w.known = size; // truncated by someone else: later bytes start at its new end
    }
    w.firstSeen = 0;
  }

  private flush(w: Watched): void {
    if (!w.pending) return;
    appendQuietly(indexPath(w.logPath), w.pending);
    w.pending = '';
  }

  private tick(): void {
    const exitsComing = this.exitsSinceTick > 0 && this.heldTicks < MAX_HELD_TICKS;
    this.exitsSinceTick = 0;
    this.heldTicks = exitsComing ? this.heldTicks + 1 : 0;
    let closed = exitsComing ? CLOSES_PER_TICK : 0;
    for (const w of this.closing) {
      if (closed++ >= CLOSES_PER_TICK) break;
      this.catchUp(w);
      this.close(w);
    }
    const now = Date.now();
    for (const w of this.files.values()) {
      if (this.closing.has(w) || w.holdUntil > now) continue;
      this.catchUp(w);
      this.flush(w);
    }
  }
}

function appendQuietly(file: string, text: string): void {
  try {
    fs.appendFileSync(file, text, { mode: 0o600 });
  } catch {
    // the log folder is gone (the agent's home removed): nothing to index
  }
}
