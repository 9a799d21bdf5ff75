// The training session the console shows. The runner's state lives in the gateway; the page keeps
// a copy, told by the session stream (TRAINING_STREAM over the gateway's WebSocket, like the
// events): the session whole when the stream (re)opens, then each change. The stream reconnects by
// itself with backoff, and a change that does not follow the copy (one missed) reopens it to get
// the session whole again. Nothing is polled. The panel and the Training page read the same copy:
// a small external store for useSyncExternalStore, like the alert store.
import { useSyncExternalStore } from 'react';
import { applySessionChange, TRAINING_STREAM, type TrainingSessionState, type TrainingStreamMessage } from '../../../../core/gateway/training/contract.js';
import type { BatonError } from '../../../../core/model/errors.js';
import { openGatewayStream, type StreamHandle } from '../../api/stream.js';

export interface SessionSnapshot {
  session: TrainingSessionState | null;
  /** the session stream is broken (the gateway is away): the copy may be behind; it reconnects */
  error: BatonError | null;
  /** the trainee collapsed the panel */
  collapsed: boolean;
}

let snapshot: SessionSnapshot = { session: null, error: null, collapsed: false };
const listeners = new Set<() => void>();
/** the ended session whose panel the trainee closed: a reconnect does not open it again */
let dismissedId = '';

function set(patch: Partial<SessionSnapshot>): void {
  snapshot = { ...snapshot, ...patch };
  for (const l of listeners) l();
}

/** Whether a session is under way (the panel shows, the Training page cannot start another). */
export function isRunning(s: TrainingSessionState | null): boolean {
  return !!s && s.phase !== 'ended';
}

/** A whole session (from the stream, or a reply): taken unless the copy already is as new. */
function takeSession(session: TrainingSessionState | null): void {
  const mine = snapshot.session;
  if (session && session.id === mine?.id && session.version <= mine.version) return;
  set({ session, error: null });
}

/** A reply that carries the session (start, answer, stop) is taken at once (unless the stream's is newer). */
export function sessionChanged(session: TrainingSessionState): void {
  takeSession(session);
  set({ collapsed: false });
}

/** The panel of an ended session is closed by the trainee (the report stays on the Training page). */
export function dismissSession(): void {
  dismissedId = snapshot.session?.id ?? '';
  set({ session: null });
}

export function setCollapsed(collapsed: boolean): void {
  set({ collapsed });
}

let watchers = 0;
let stream: StreamHandle | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
let attempt = 0;

function open(): void {
  stream = openGatewayStream<TrainingStreamMessage>(
    TRAINING_STREAM,
    {},
    {
      onMessage: (m) => {
        attempt = 0;
        if (m.kind === 'session') {
          // a reply may have brought a newer copy meanwhile: kept, the changes catch up with it;
          // an ended session whose panel was closed stays closed
          takeSession(m.session?.phase === 'ended' && m.session.id === dismissedId ? null : m.session);
          return;
        }
        const mine = snapshot.session;
        if (mine && m.change.sessionId === mine.id && m.change.version <= mine.version) return; // a reply brought it already
        const next = mine && applySessionChange(mine, m.change);
        if (next) set({ session: next, error: null });
        else reopen(0); // a change missed (or of a session this page has not seen): the session whole again
      },
      onEnd: () => reopen(),
      onError: (e) => {
        set({ error: e });
        reopen();
      },
    },
  );
}

function reopen(delayMs?: number): void {
  stream?.close();
  stream = null;
  if (retry) clearTimeout(retry);
  if (!watchers) return;
  attempt += 1;
  const delay = delayMs ?? Math.min(10_000, 500 * 2 ** Math.min(attempt - 1, 5));
  retry = setTimeout(() => {
    retry = null;
    if (watchers) open();
  }, delay);
}

/** Follows the session while a component needs it (the panel, beside every page); returns the stop. */
export function watchSession(): () => void {
  watchers += 1;
  if (watchers === 1) open();
  return () => {
    watchers -= 1;
    if (watchers) return;
    if (retry) clearTimeout(retry);
    retry = null;
    stream?.close();
    stream = null;
  };
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
