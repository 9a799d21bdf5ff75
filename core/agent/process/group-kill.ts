// Kills of many task groups at once. Killing 1,000 tasks one by one, each polling /proc for its own
// group (a full /proc scan per poll, ~1,000 stat files), ended ~20 tasks a second at ~90% of the
// agent's cpu, long enough for it to miss its heartbeats. Here the groups are signalled in chunks
// (SIGNAL_CHUNK per turn of the loop), the exits come from whoever reaps the leaders (the spawn
// helper's X lines, Node's 'exit', the poll of adopted tasks), one timer per term_ms escalates
// SIGTERM to SIGKILL for all that are left, and the rare group that outlives its leader (orphans
// of a shell) is watched by one shared /proc scan per round for all such groups (group-scan.ts).
// This is the agent's one kill path: EXIT of basic tasks, kill batches, reaps, a launch that timed
// out, and the agent's own stop.
import { groupAnswers, liveGroups } from './group-scan.js';
import type { ProcTask } from './task.js';

/** after SIGKILL: how long a group may take to go before it is reported as still alive */
export const KILL_WAIT_MS = 10_000;
/** SIGKILL is sent again this often to what is still there (a process forked between signals) */
const KILL_REPEAT_MS = 200;
const SCAN_MIN_MS = 10;
const SCAN_MAX_MS = 100;
/**
 * Groups signalled per turn of the event loop. Signalling 1,000 groups in one go held the agent's
 * loop for 0.15-0.2 s (each signal wakes a process that competes for the cpu), and no exit could be
 * reported until the last group was signalled: in chunks, the first exits reach the controller
 * while the rest are still being signalled, and the heartbeat is never held that long.
 */
const SIGNAL_CHUNK = 100;

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
    if (this.justGone.has(pgid) || !groupAnswers(pgid)) return Promise.resolve(true);
    return new Promise((resolve) => this.add(pgid, ms, kill, resolve));
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
 * immediate kill), SIGNAL_CHUNK groups per turn of the event loop; after each task's term_ms (one
 * timer per distinct term_ms, from the last signal) SIGKILL to the groups still there, again every
 * KILL_REPEAT_MS; a task is finished when its leader's exit has been seen and nothing of its group
 * is left. `onGone` is called per task as it finishes (gone false: still alive KILL_WAIT_MS after
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
    const groupGone = (t: ProcTask) => void host.groups.whenGone(t.pid, KILL_WAIT_MS, killedAll || t.killSignal === 'SIGKILL').then((gone) => finish(t, gone));
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
    // listen first: the exits of the first chunks are handled while the next ones are signalled
    const live: ProcTask[] = [];
    for (const t of tasks) {
      const onExit = () => {
        t.exitWaiters.delete(onExit);
        groupGone(t);
      };
      waiting.set(t, onExit);
      if (t.exit) groupGone(t);
      else {
        t.exitWaiters.add(onExit);
        live.push(t);
      }
    }
    const cohorts = new Map<number, ProcTask[]>();
    const signalFrom = (at: number) => {
      const end = Math.min(at + SIGNAL_CHUNK, live.length);
      for (let i = at; i < end; i++) {
        const t = live[i]!;
        if (t.exit || !waiting.has(t)) continue;
        t.killSignal = first;
        signalGroup(t.pid, first);
        const termMs = t.termMs || defaultTermMs;
        const c = cohorts.get(termMs);
        if (c) c.push(t);
        else cohorts.set(termMs, [t]);
      }
      if (end < live.length) return void setImmediate(() => signalFrom(end));
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
