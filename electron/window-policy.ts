// What the desktop app does when its page asks for a new window (setWindowOpenHandler in main.ts):
// the one window of our own it opens is a popped-out task log (/logs/popout on the gateway's
// origin, renderer/src/features/logs/popOut.ts); a https link elsewhere goes to the system
// browser; anything else is refused. Navigation stays restricted in every window (main.ts).
export type WindowOpenDecision = 'log-pop-out' | 'external' | 'deny';

export const LOG_POP_OUT_PATH = '/logs/popout';

export function decideWindowOpen(url: string, origin: string): WindowOpenDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'deny';
  }
  if (parsed.origin === origin) return parsed.pathname === LOG_POP_OUT_PATH && parsed.searchParams.has('task') ? 'log-pop-out' : 'deny';
  return parsed.protocol === 'https:' ? 'external' : 'deny';
}
