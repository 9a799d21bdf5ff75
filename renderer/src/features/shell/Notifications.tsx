// Toasts: environments going to ERROR and other notices. Errors stay until dismissed.
import { useEffect } from 'react';
import { envPath } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { Link } from '../../ui/Link.js';

export function Notifications() {
  const notices = useConsole((s) => s.notices);
  const dismiss = useConsole((s) => s.dismiss);
  useEffect(() => {
    const timers = notices.filter((n) => n.level !== 'error').map((n) => setTimeout(() => dismiss(n.id), 6000));
    return () => timers.forEach(clearTimeout);
  }, [notices, dismiss]);
  return (
    <section className="toasts" aria-label="Notifications">
      {notices.map((n) => (
        <div key={n.id} className={`toast toast-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <div className="toast-text">
            <strong>{n.title}</strong>
            <p>{n.body}</p>
            {n.envId ? (
              <Link href={envPath(n.envId)} onClick={() => dismiss(n.id)}>
                Open the environment
              </Link>
            ) : null}
          </div>
          <button type="button" aria-label={`Dismiss: ${n.title}`} onClick={() => dismiss(n.id)}>
            ✕
          </button>
        </div>
      ))}
    </section>
  );
}
