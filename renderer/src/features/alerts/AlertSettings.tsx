// The alert switches in the header: a tone on each new error (off by default) and desktop
// notifications (asks the browser's permission when turned on; says so when it is refused).
import { useState } from 'react';
import { useAlerts } from './alertStore.js';

export function AlertSettings() {
  const sound = useAlerts((s) => s.sound);
  const desktop = useAlerts((s) => s.desktop);
  const setSound = useAlerts((s) => s.setSound);
  const setDesktop = useAlerts((s) => s.setDesktop);
  const [refused, setRefused] = useState(false);
  const toggleDesktop = async () => {
    if (desktop) return setDesktop(false);
    if (typeof Notification === 'undefined') return setRefused(true);
    const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    setRefused(permission !== 'granted');
    setDesktop(permission === 'granted');
  };
  return (
    <div className="alert-settings" role="group" aria-label="Alerts">
      <button type="button" className="icon-button" aria-pressed={sound} onClick={() => setSound(!sound)} title="A tone on each new error">
        <span aria-hidden="true">♪</span> <span className="label">Sound</span>
      </button>
      <button
        type="button"
        className="icon-button"
        aria-pressed={desktop}
        onClick={() => void toggleDesktop()}
        title={refused ? 'The browser does not allow notifications for this page' : 'Desktop notifications of new errors'}
      >
        <span aria-hidden="true">🔔</span> <span className="label">Desktop alerts</span>
      </button>
    </div>
  );
}
