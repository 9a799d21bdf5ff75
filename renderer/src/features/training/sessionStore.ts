// The training session the console shows: fetched from the gateway, polled once a second while it
// runs (the runner's state lives in the gateway; the panel and the Training page read the same
// copy). A small external store for useSyncExternalStore, like the alert store.
import { useSyncExternalStore } from 'react';
import type { TrainingSessionState } from '../../../../core/gateway/training/contract.js';
import type { BatonError } from '../../../../core/model/errors.js';
import { asBatonError } from '../../api/errors.js';
import { trainingCall } from './api.js';

export interface SessionSnapshot {
  session: TrainingSessionState | null;
  /** the last refresh failed (the gateway or the controller is away) */
  error: BatonError | null;
  /** the trainee collapsed the panel */
  collapsed: boolean;
}

const POLL_MS = 1000;
let snapshot: SessionSnapshot = { session: null, error: null, collapsed: false };
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;

function set(patch: Partial<SessionSnapshot>): void {
  snapshot = { ...snapshot, ...patch };
  for (const l of listeners) l();
}

/** Whether a session is under way (the panel shows, the poll runs). */
export function isRunning(s: TrainingSessionState | null): boolean {
  return !!s && s.phase !== 'ended';
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  timer = isRunning(snapshot.session) ? setTimeout(() => void refreshSession(), POLL_MS) : null;
}

export async function refreshSession(): Promise<void> {
  try {
    const { session } = await trainingCall('GetSession', {});
    set({ session, error: null });
  } catch (e) {
    set({ error: asBatonError(e) });
  }
  schedule();
}

/** A reply that carries the session (start, answer, stop) replaces the copy at once. */
export function sessionChanged(session: TrainingSessionState): void {
  set({ session, error: null, collapsed: false });
  schedule();
}

/** The panel of an ended session is closed by the trainee (the report stays on the Training page). */
export function dismissSession(): void {
  set({ session: null });
}

export function setCollapsed(collapsed: boolean): void {
  set({ collapsed });
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useTrainingSession(): SessionSnapshot {
  return useSyncExternalStore(
    subscribe,
    () => snapshot,
    () => snapshot,
  );
}
