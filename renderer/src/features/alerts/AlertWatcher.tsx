// Watches the live events for failures: each becomes an unacknowledged error (alertStore.ts), with
// a short tone and a desktop notification when the user turned those on. History replayed at
// connect is not news: only events stamped after the stream went live count.
import { useEffect } from 'react';
import type { Event } from '../../../../core/rpc/gen/control.js';
import { useConsoleStore } from '../../store/context.js';
import { isErrorEvent } from '../events/eventFilter.js';
import { useAlerts } from './alertStore.js';

function describe(e: Event): string {
  return [e.kind, e.error?.taskName || e.taskId || e.node, e.error?.message || e.message || e.state].filter(Boolean).join(' · ');
}

function beep(): void {
  try {
    const Ctx = (window as unknown as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.1;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
    osc.onended = () => void ctx.close();
  } catch {
    /* no audio here */
  }
}

function notifyDesktop(events: readonly Event[]): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const first = events[0]!;
  const title = events.length === 1 ? 'Baton: error' : `Baton: ${events.length} errors`;
  try {
    new Notification(title, { body: describe(first), tag: 'baton-errors' });
  } catch {
    /* not permitted here (e.g. a service-worker-only platform) */
  }
}

export function AlertWatcher() {
  const store = useConsoleStore();
  useEffect(() => {
    let lastSeq = store.getState().lastSeq;
    return store.subscribe((s, prev) => {
      if (s.events === prev.events) return;
      const fresh: Event[] = [];
      for (let i = s.events.length - 1; i >= 0; i--) {
        const e = s.events[i]!;
        if (e.seq <= lastSeq) break;
        if (e.timeMs >= s.liveSinceMs && isErrorEvent(e)) fresh.push(e);
      }
      lastSeq = Math.max(lastSeq, s.events[s.events.length - 1]?.seq ?? 0);
      if (!fresh.length) return;
      fresh.reverse();
      const alerts = useAlerts.getState();
      alerts.add(fresh);
      if (alerts.sound) beep();
      if (alerts.desktop) notifyDesktop(fresh);
    });
  }, [store]);
  return null;
}
