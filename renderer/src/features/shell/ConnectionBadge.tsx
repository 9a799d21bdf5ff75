// The connection state, always visible: live, reconnecting (with attempt and reason), offline.
import { useConsole } from '../../store/context.js';

const TEXT: Record<string, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  unauthenticated: 'Not signed in',
};

export function ConnectionBadge() {
  const c = useConsole((s) => s.connection);
  const info = useConsole((s) => s.info);
  const title = c.status === 'live' ? `Connected to controller ${info?.controllerId ?? ''} (events up to #${c.lastSeq})` : (c.reason ?? '');
  return (
    <div className={`conn conn-${c.status}`} role="status" aria-live="polite" title={title}>
      <span className="dot" aria-hidden="true" />
      <span>
        {TEXT[c.status]}
        {c.status === 'reconnecting' && c.attempt > 1 ? ` (attempt ${c.attempt})` : ''}
      </span>
    </div>
  );
}
