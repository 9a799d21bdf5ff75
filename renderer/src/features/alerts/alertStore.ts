// Unacknowledged errors: every failure event (core/model/event-severity.ts) that arrived live
// since the page opened stays here until someone acknowledges it, one or all. The tab title and
// the Events link show the count, so an error at 3 a.m. is still visible at 3:20. Sound and
// desktop notifications are the user's choice, kept in localStorage (sound is off by default).
import { create } from 'zustand';
import type { Event } from '../../../../core/rpc/gen/control.js';

/** beyond this many, the oldest unacknowledged errors are counted but no longer listed */
export const UNACKED_CAP = 2000;
const SOUND_KEY = 'baton.console.alert-sound';
const DESKTOP_KEY = 'baton.console.alert-desktop';

function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === 'on';
  } catch {
    return false;
  }
}
function writeFlag(key: string, on: boolean): void {
  try {
    localStorage.setItem(key, on ? 'on' : 'off');
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
}

export interface AlertState {
  /** unacknowledged error events, oldest first */
  unacked: Event[];
  /** errors dropped from the list past the cap (still unacknowledged) */
  overflow: number;
  sound: boolean;
  desktop: boolean;
  add(events: readonly Event[]): void;
  ack(seq: number): void;
  ackAll(): void;
  setSound(on: boolean): void;
  setDesktop(on: boolean): void;
}

export const useAlerts = create<AlertState>()((set, get) => ({
  unacked: [],
  overflow: 0,
  sound: readFlag(SOUND_KEY),
  desktop: readFlag(DESKTOP_KEY),
  add(events) {
    if (!events.length) return;
    const all = [...get().unacked, ...events];
    const drop = Math.max(0, all.length - UNACKED_CAP);
    set({ unacked: drop ? all.slice(drop) : all, overflow: get().overflow + drop });
  },
  ack(seq) {
    set({ unacked: get().unacked.filter((e) => e.seq !== seq) });
  },
  ackAll() {
    set({ unacked: [], overflow: 0 });
  },
  setSound(sound) {
    writeFlag(SOUND_KEY, sound);
    set({ sound });
  },
  setDesktop(desktop) {
    writeFlag(DESKTOP_KEY, desktop);
    set({ desktop });
  },
}));

/** how many errors wait for an acknowledgement */
export function unackedCount(s: Pick<AlertState, 'unacked' | 'overflow'>): number {
  return s.unacked.length + s.overflow;
}
