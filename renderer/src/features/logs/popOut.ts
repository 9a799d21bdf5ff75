// The log pop-out: a task's log in a window of its own (/logs/popout?task=…&name=…), rendering
// only the log viewer. Same origin, opened with a reference to this page (so the browser copies
// the session), and the token in the fragment as `baton console` gives it, read and removed from
// the address at once by the new page. The desktop app allows exactly this path as a new window
// (electron/window-policy.ts).
import { TOKEN_FRAGMENT } from '../../../../core/gateway/contract.js';
import { currentToken } from '../../api/auth.js';

export const POP_OUT_PATH = '/logs/popout';

export function popOutUrl(taskId: string, taskName: string): string {
  const q = new URLSearchParams({ task: taskId, name: taskName });
  const token = currentToken();
  return `${POP_OUT_PATH}?${q.toString()}${token ? `#${TOKEN_FRAGMENT}=${encodeURIComponent(token)}` : ''}`;
}

/** Opens (or brings forward) the pop-out of one task's log. */
export function openLogPopOut(taskId: string, taskName: string): Window | null {
  const win = window.open(popOutUrl(taskId, taskName), `baton-log-${taskId}`, 'popup,width=1100,height=760');
  win?.focus();
  return win;
}
