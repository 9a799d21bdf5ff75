import { useConsole } from '../../store/context.js';
import { Dialog } from '../../ui/Dialog.js';
import { SHORTCUTS } from './shortcuts.js';

export function CheatSheet() {
  const open = useConsole((s) => s.cheatSheetOpen);
  const setOpen = useConsole((s) => s.setCheatSheet);
  if (!open) return null;
  const canAsk = typeof Notification !== 'undefined' && Notification.permission === 'default' && !window.batonDesktop;
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => setOpen(false)} className="cheatsheet">
      <table className="grid compact">
        <caption className="sr-only">Keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                {s.keys.split(' ').map((k, i) => (
                  <span key={i}>
                    {i ? ' then ' : ''}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canAsk ? (
        <p>
          <button type="button" onClick={() => void Notification.requestPermission()}>
            Enable desktop notifications
          </button>{' '}
          for environments going to ERROR.
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" onClick={() => setOpen(false)} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
