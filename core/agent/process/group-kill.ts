// Kills of many task groups at once. Killing 1,000 tasks one by one, each polling /proc for its own
// group (a full /proc scan per poll, ~1,000 stat files), ended ~20 tasks a second at ~90% of the
// agent's cpu, long enough for it to miss its heartbeats. Here every group is signalled first, in
// one pass (SIGNAL_SLICE_MS at most per turn of the loop), the exits come from whoever reaps the
// leaders (the spawn helper's X lines, Node's 'exit', the poll of adopted tasks), one timer per
// term_ms escalates SIGTERM to SIGKILL for all that are left, and the rare group that outlives its
// leader (orphans of a shell) is watched by one shared /proc scan per round for all such groups
// (group-scan.ts). This is the agent's one kill path: EXIT of basic tasks, kill batches, reaps, a
// launch that timed out, and the agent's own stop.
import { groupAnswers, liveGroups } from './group-scan.js';
import type { ProcTask } from './task.js';

/** after SIGKILL: how long a group may take to go before it is reported as still alive */
export const KILL_WAIT_MS = 10_000;
/** SIGKILL is sent again this often to what is still there (a process forked between signals) */
const KILL_REPEAT_MS = 200;
const SCAN_MIN_MS = 10;
const SCAN_MAX_MS = 100;
/**
 * The longest the signalling holds the agent's loop in one go; the groups left wait for the next
 * turn. Every group is signalled first and the exits are handled after, as the floor a teardown
 * is measured against does: signalling 100 groups per turn and handling the exits that came in
 * between stretched the signalling of 1,000 groups to three times the floor's whole teardown
 * (docs/performance.md, "Round 4 of the teardown"), and nothing is gone sooner for it. The bound
 * keeps an agent with many thousand tasks answering its session meanwhile (heartbeat: 1 s).
 */
const SIGNAL_SLICE_MS = 100;

/** kill(-pgid, signal); false when the group is gone */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

interface Watched {
  waiters: Array<(gone: boolean) => void>;
  until: number;
  /** SIGKILL what is left on every round: the leader has exited and these are its orphans */
  kill: boolean;
}

/**
 * Groups whose leader has exited but that still answer kill(-pgid, 0): members left behind, or
 * zombies their new parent has not reaped yet. One /proc scan per round serves all of them.
 */
export class GroupWatch {
  private readonly watched = new Map<number, Watched>();
  private timer: NodeJS.Timeout | null = null;
  /** a round's scan is under way (groups added meanwhile wait for the next round) */
  private scanning = false;
  private step = SCAN_MIN_MS;
  /**
   * Groups killRest found gone, for the whenGone that follows in the same turn (a kill waiting on
   * the exit): kill() on a gone group throws, and building that error twice per task was a tenth
   * of an agent's cpu when 1,000 tasks exited together. Cleared on the next turn, before a pid
   * could be reused.
   */
  private readonly justGone = new Set<number>();

  /** true once the group has no live member; false if one is still there after `ms` */
  whenGone(pgid: number, ms = KILL_WAIT_MS, kill = false): Promise<boolean> {
    return new Promise((resolve) => this.onceGone(pgid, ms, kill, resolve));
  }

  /**
   * whenGone with a callback, called at once (in this turn) when the group is known gone: a task
   * whose exit is handled is answered in the same turn, with the others of its slice, not one
   * promise later (the answers of a slice then leave the agent together).
   */
  onceGone(pgid: number, ms: number, kill: boolean, then: (gone: boolean) => void): void {
    if (this.justGone.has(pgid) || !groupAnswers(pgid)) return then(true);
    this.add(pgid, ms, kill, then);
  }

  /**
   * The leader exited: its group's other members must not outlive it (SIGKILL until gone).
   * knownGone: its reaper already saw the group empty (the spawn helper says so in its exit line).
   */
  killRest(pgid: number, knownGone?: boolean): void {
    if (knownGone || !groupAnswers(pgid)) {
      if (!this.justGone.size) setImmediate(() => this.justGone.clear());
      this.justGone.add(pgid);
      return;
    }
    signalGroup(pgid, 'SIGKILL');
    this.add(pgid, KILL_WAIT_MS, true, () => {});
  }

  get size(): number {
    return this.watched.size;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.watched.values()) for (const r of w.waiters) r(false);
    this.watched.clear();
  }

  private add(pgid: number, ms: number, kill: boolean, waiter: (gone: boolean) => void): void {
    const w = this.watched.get(pgid);
    if (w) {
      w.waiters.push(waiter);
      w.until = Math.max(w.until, Date.now() + ms);
      w.kill ||= kill;
    } else {
      this.watched.set(pgid, { waiters: [waiter], until: Date.now() + ms, kill });
    }
    if (!this.timer && !this.scanning) {
      this.step = SCAN_MIN_MS;
      this.schedule();
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.scan(), this.step);
    this.timer.unref();
    this.step = Math.min(this.step * 2, SCAN_MAX_MS);
  }

  /** One round: every group watched when it began is found gone or live by one shared scan. */
  private async scan(): Promise<void> {
    this.timer = null;
    this.scanning = true;
    const round = [...this.watched.keys()];
    const live = await liveGroups(round);
    this.scanning = false;
    const now = Date.now();
    for (const pgid of round) {
      const w = this.watched.get(pgid);
      if (!w) continue; // stopped meanwhile
      const gone = !live.has(pgid);
      if (!gone && now < w.until) {
        if (w.kill) signalGroup(pgid, 'SIGKILL');
        continue;
      }
      this.watched.delete(pgid);
      for (const r of w.waiters) r(gone);
    }
    if (this.watched.size && !this.timer) this.schedule();
  }
}

/** What terminateGroups needs of the driver (ProcessDriver is one). */
export interface GroupKillHost {
  readonly groups: GroupWatch;
}

/**
 * Terminates the groups of `tasks` together: `first` to every group (SIGTERM, or SIGKILL for an
 * immediate kill), in one pass (SIGNAL_SLICE_MS at most per turn of the event loop); after each
 * task's term_ms (one timer per distinct term_ms, from the last signal) SIGKILL to the groups still
 * there, again every KILL_REPEAT_MS; a task is finished when its leader's exit has been seen and
 * nothing of its group is left. `onGone` is called per task as it finishes (gone false: still alive KILL_WAIT_MS after
 * SIGKILL). Resolves when every task has finished.
 */
export function terminateGroups(
  host: GroupKillHost,
  tasks: readonly ProcTask[],
  first: 'SIGTERM' | 'SIGKILL',
  defaultTermMs: number,
  onGone?: (t: ProcTask, gone: boolean) => void,
): Promise<void> {
  if (!tasks.length) return Promise.resolve();
  return new Promise((resolve) => {
    const waiting = new Map<ProcTask, () => void>();
    const timers: NodeJS.Timeout[] = [];
    const killedAll = first === 'SIGKILL';
    const finish = (t: ProcTask, gone: boolean) => {
      const w = waiting.get(t);
      if (!w) return;
      waiting.delete(t);
      t.exitWaiters.delete(w);
      onGone?.(t, gone);
      if (waiting.size) return;
      for (const timer of timers) clearTimeout(timer);
      resolve();
    };
    const groupGone = (t: ProcTask) => host.groups.onceGone(t.pid, KILL_WAIT_MS, killedAll || t.killSignal === 'SIGKILL', (gone) => finish(t, gone));
    const killRemaining = (cohort: readonly ProcTask[]) => {
      for (const t of cohort) {
        if (!waiting.has(t)) continue;
        t.killSignal = 'SIGKILL';
        signalGroup(t.pid, 'SIGKILL');
      }
    };
    const escalate = (cohort: readonly ProcTask[]) => {
      killRemaining(cohort);
      const repeat = setInterval(() => killRemaining(cohort), KILL_REPEAT_MS);
      repeat.unref();
      timers.push(repeat);
      const giveUp = setTimeout(() => {
        for (const t of cohort) finish(t, false);
      }, KILL_WAIT_MS);
      giveUp.unref();
      timers.push(giveUp);
    };
    // listen first (every task is waited for before any is found gone: an exited one finishes at once)
    const live: ProcTask[] = [];
    const exited: ProcTask[] = [];
    for (const t of tasks) {
      const onExit = () => {
        t.exitWaiters.delete(onExit);
        groupGone(t);
      };
      waiting.set(t, onExit);
      if (t.exit) exited.push(t);
      else {
        t.exitWaiters.add(onExit);
        live.push(t);
      }
    }
    for (const t of exited) groupGone(t);
    const cohorts = new Map<number, ProcTask[]>();
    const signalFrom = (at: number) => {
      const sliceEnd = performance.now() + SIGNAL_SLICE_MS;
      let i = at;
      while (i < live.length) {
        const t = live[i++]!;
        if (t.exit || !waiting.has(t)) continue;
        t.killSignal = first;
        signalGroup(t.pid, first);
        const termMs = t.termMs || defaultTermMs;
        const c = cohorts.get(termMs);
        if (c) c.push(t);
        else cohorts.set(termMs, [t]);
        if ((i & 31) === 0 && performance.now() > sliceEnd) break;
      }
      if (i < live.length) return void setImmediate(() => signalFrom(i));
      if (!waiting.size) return; // all gone already
      for (const [termMs, cohort] of cohorts) {
        if (first === 'SIGKILL') escalate(cohort);
        else {
          const timer = setTimeout(() => escalate(cohort), termMs);
          timer.unref();
          timers.push(timer);
        }
      }
    };
    signalFrom(0);
  });
}
